import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { requireOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { OrganizationRecord, OrganizationSettings } from '../../store/records.js';
import { changeWithAudit, type GovernanceContext } from './context.js';

export const settingsInput = z
  .object({
    retentionDays: z.number().int().min(1).max(3650).nullable().optional().describe('delete request records, stored bodies and configuration changes older than this (null: keep everything)'),
  })
  .strict();

/** Organization-wide settings: for now, how long the audit trail is kept. */
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
