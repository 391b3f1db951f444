import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Principal } from '../../governance/principal.js';
import type { SecretVault } from '../../secrets/secret-vault.js';
import type { SecretRecord } from '../../store/secret-records.js';
import { changeWithAudit, iso, type GovernanceContext } from '../governance/context.js';
import { maySeeSecret, readableScope, secretScope } from './secret-scope.js';

/** The largest value a secret holds (a certificate chain fits; a file does not belong here). */
export const MAX_SECRET_BYTES = 16 * 1024;

export const secretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'use 1-128 letters, digits, "_", "." or "-", starting with a letter or "_"')
  .describe('secret name; MCP connection settings refer to it as ${secret:NAME}');
const scope = z.string().min(1).default('org').describe("'org', 'team:<team>', 'user' (the caller) or 'user:<email>'");

export const putSecretInput = z
  .object({
    secret: secretName,
    scope,
    value: z.string().min(1).max(MAX_SECRET_BYTES).describe('the value; stored sealed, never returned'),
  })
  .strict();

export const secretRefInput = z.object({ secret: secretName, scope }).strict();

/** What listings show of a secret: never its value. */
export interface SecretView {
  id: string;
  name: string;
  scope: string;
  createdAt: string | null;
  updatedAt: string | null;
  lastUsedAt: string | null;
}

/** The secrets store: values go in and are injected into MCP connections; they never come out. */
export class SecretService {
  constructor(
    private readonly context: GovernanceContext,
    private readonly vault: SecretVault,
  ) {}

  async list(actor: Principal): Promise<SecretView[]> {
    const records = (await this.context.store.secrets.list(actor.orgId)).filter((record) => maySeeSecret(actor, record.scope));
    return Promise.all(records.map((record) => this.view(record)));
  }

  async put(actor: Principal, input: z.output<typeof putSecretInput>): Promise<SecretView> {
    if (Buffer.byteLength(input.value) > MAX_SECRET_BYTES) throw new GatewayError('invalid_request', `A secret holds at most ${MAX_SECRET_BYTES} bytes`, { param: 'value' });
    const owner = await secretScope(this.context, actor, input.scope);
    const current = await this.context.store.secrets.findByName(actor.orgId, owner, input.secret);
    const now = this.context.clock.now();
    const id = current?.id ?? this.context.newId('sec_');
    const record: SecretRecord = {
      id,
      orgId: actor.orgId,
      scope: owner,
      name: input.secret,
      sealedValue: this.vault.seal(id, input.value),
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      lastUsedAt: current?.lastUsedAt ?? null,
    };
    const view = await this.view(record);
    return changeWithAudit(this.context, actor, async (store) => {
      await (current === undefined ? store.secrets.insert(record) : store.secrets.update(record));
      return { result: view, audit: audit(current === undefined ? 'secret.create' : 'secret.update', record, view.scope, current === undefined ? null : { name: record.name, scope: view.scope }, { name: record.name, scope: view.scope }) };
    });
  }

  async delete(actor: Principal, input: z.output<typeof secretRefInput>): Promise<void> {
    const owner = await secretScope(this.context, actor, input.scope);
    const current = await this.context.store.secrets.findByName(actor.orgId, owner, input.secret);
    if (current === undefined) throw new GatewayError('not_found', `No secret '${input.secret}' in scope ${input.scope}`);
    const label = await readableScope(this.context.store, current.scope);
    await changeWithAudit(this.context, actor, async (store) => {
      await store.secrets.delete(current.id);
      return { result: undefined, audit: audit('secret.delete', current, label, { name: current.name, scope: label }, null) };
    });
  }

  private async view(record: SecretRecord): Promise<SecretView> {
    return { id: record.id, name: record.name, scope: await readableScope(this.context.store, record.scope), createdAt: iso(record.createdAt), updatedAt: iso(record.updatedAt), lastUsedAt: iso(record.lastUsedAt) };
  }
}

/** A secret's audit record names it and its scope; the value (even its length) is never part of it. */
function audit(action: string, record: SecretRecord, scopeLabel: string, before: unknown, after: unknown) {
  return { action, targetType: 'secret', targetId: record.id, targetName: `${scopeLabel}/${record.name}`, teamId: record.scope.kind === 'team' ? record.scope.teamId : null, before, after };
}
