import { z } from 'zod';
import { GatewayError } from '../canonical/gateway-error.js';
import { CALLER_KEY_PREFIX, displayPrefixOf, generateKeySecret, hashKeySecret } from '../governance/api-key-secret.js';
import type { Authenticator } from '../governance/authenticator.js';
import type { Principal } from '../governance/principal.js';
import type { Clock } from '../platform/clock.js';
import type { ApiKeyRecord, Role } from '../store/records.js';
import type { ApiKeyRepository } from '../store/store.js';
import { parseInput } from './validation.js';

const createKeySchema = z
  .object({
    name: z.string().min(1).max(100),
    role: z.enum(['owner', 'admin', 'member', 'service']).optional(),
    serviceClass: z.enum(['interactive', 'batch']).optional(),
    expiresAt: z.iso.datetime().optional(),
  })
  .strict();

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  serviceClass: ApiKeyRecord['serviceClass'];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  /** The key itself: returned once, never stored, never shown again. */
  key: string;
  apiKey: ApiKeyView;
}

export interface ApiKeyServiceDependencies {
  repository: ApiKeyRepository;
  authenticator: Authenticator;
  clock: Clock;
  newId(prefix: string): string;
}

/** Creates, lists and revokes caller API keys. Only owners mint admin keys. */
export class ApiKeyService {
  constructor(private readonly dependencies: ApiKeyServiceDependencies) {}

  async create(actor: Principal, input: unknown): Promise<CreatedApiKey> {
    const parsed = parseInput(createKeySchema, input);
    const role = parsed.role ?? 'member';
    if ((role === 'admin' || role === 'owner') && actor.role !== 'owner') {
      throw new GatewayError('forbidden', `Only an owner can create ${role} keys`);
    }
    const key = generateKeySecret(CALLER_KEY_PREFIX);
    const record: ApiKeyRecord = {
      id: this.dependencies.newId('key_'),
      orgId: actor.orgId,
      name: parsed.name,
      displayPrefix: displayPrefixOf(key),
      hash: hashKeySecret(key),
      role,
      serviceClass: parsed.serviceClass ?? 'interactive',
      createdAt: this.dependencies.clock.now(),
      expiresAt: parsed.expiresAt === undefined ? null : Date.parse(parsed.expiresAt),
      revokedAt: null,
    };
    await this.dependencies.repository.insert(record);
    return { key, apiKey: toView(record) };
  }

  async list(actor: Principal): Promise<ApiKeyView[]> {
    return (await this.dependencies.repository.list(actor.orgId)).map(toView);
  }

  async revoke(actor: Principal, id: string): Promise<ApiKeyView> {
    const record = await this.dependencies.repository.findById(id);
    if (record === undefined || record.orgId !== actor.orgId) throw new GatewayError('not_found', `No API key '${id}'`);
    if (record.role === 'owner' && actor.role !== 'owner') throw new GatewayError('forbidden', 'Only an owner can revoke an owner key');
    if (record.role === 'owner' && record.revokedAt === null) {
      const now = this.dependencies.clock.now();
      const otherOwners = (await this.dependencies.repository.list(actor.orgId)).filter(
        (key) => key.id !== record.id && key.role === 'owner' && key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now),
      );
      // Without an owner key nobody could manage the platform any more, nor mint a new owner key.
      if (otherOwners.length === 0) {
        throw new GatewayError('forbidden', 'The last owner key cannot be revoked: create another owner key first (role "owner"), then revoke this one');
      }
    }
    await this.dependencies.repository.revoke(id, this.dependencies.clock.now());
    this.dependencies.authenticator.invalidate();
    const updated = await this.dependencies.repository.findById(id);
    return toView(updated ?? record);
  }
}

function toView(record: ApiKeyRecord): ApiKeyView {
  const iso = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());
  return {
    id: record.id,
    name: record.name,
    prefix: record.displayPrefix,
    role: record.role,
    serviceClass: record.serviceClass,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
  };
}
