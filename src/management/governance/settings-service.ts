import { isIP } from 'node:net';
import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { requireOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { OrganizationRecord, OrganizationSettings } from '../../store/records.js';
import { changeWithAudit, type GovernanceContext } from './context.js';

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An allow-list entry: a host name, an IP address, or a CIDR range with a prefix that fits its family. */
function allowListEntry(entry: string): string {
  const [network, prefix, extra] = entry.trim().split('/');
  const family = isIP(network ?? '');
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
  if (extra === undefined && family !== 0 && prefixOk) return entry.trim();
  if (prefix === undefined && HOST_NAME.test(entry.trim())) return entry.trim().toLowerCase();
  throw new GatewayError('invalid_request', `'${entry}' is not a host name, an IP address or a CIDR range (10.1.0.0/16)`, { param: 'outboundAllowList' });
}

export const settingsInput = z
  .object({
    retentionDays: z.number().int().min(1).max(3650).nullable().optional().describe('delete request records, stored bodies and configuration changes older than this (null: keep everything)'),
    outboundAllowList: z
      .array(z.string().min(1).max(253))
      .max(100)
      .nullable()
      .optional()
      .describe('internal hosts, addresses or CIDR ranges MCP servers and callbacks may be reached at (null: none)'),
  })
  .strict();

/** Organization-wide settings: how long the audit trail is kept, and which internal targets may be reached. */
export class SettingsService {
  constructor(private readonly context: GovernanceContext) {}

  async get(actor: Principal): Promise<OrganizationSettings> {
    requireOrgAdmin(actor, 'reading the organization settings');
    return (await this.organization(actor)).settings;
  }

  async update(actor: Principal, input: z.output<typeof settingsInput>): Promise<OrganizationSettings> {
    requireOrgAdmin(actor, 'changing the organization settings');
    const current = await this.organization(actor);
    const settings: OrganizationSettings = { ...current.settings };
    if (input.retentionDays === null) delete settings.retentionDays;
    else if (input.retentionDays !== undefined) settings.retentionDays = input.retentionDays;
    if (input.outboundAllowList === null) delete settings.outboundAllowList;
    else if (input.outboundAllowList !== undefined) settings.outboundAllowList = input.outboundAllowList.map(allowListEntry);
    return changeWithAudit(this.context, actor, async (store) => {
      await store.organizations.update({ ...current, settings });
      return { result: settings, audit: { action: 'settings.update', targetType: 'organization', targetId: current.id, targetName: current.name, before: current.settings, after: settings } };
    });
  }

  private async organization(actor: Principal): Promise<OrganizationRecord> {
    const organization = await this.context.store.organizations.first();
    if (organization === undefined || organization.id !== actor.orgId) throw new GatewayError('not_found', 'No organization');
    return organization;
  }
}
