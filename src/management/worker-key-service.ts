import { z } from 'zod';
import { GatewayError } from '../canonical/gateway-error.js';
import { displayPrefixOf, generateKeySecret, hashKeySecret, WORKER_KEY_PREFIX } from '../governance/api-key-secret.js';
import type { Clock } from '../platform/clock.js';
import type { WorkerKeyRecord } from '../store/records.js';
import type { WorkerKeyRepository } from '../store/store.js';
import type { ProviderService } from './provider-service.js';
import { parseInput } from './validation.js';

export const createWorkerKeySchema = z.object({ provider: z.string().min(1), name: z.string().min(1).max(100) }).strict();

export interface WorkerKeyView {
  id: string;
  name: string;
  provider: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Keys that GPU and CLI workers present in their `hello`. Each belongs to one worker-tier provider,
 * whose policy the worker then receives.
 */
export class WorkerKeyService {
  constructor(
    private readonly dependencies: {
      repository: WorkerKeyRepository;
      providers: ProviderService;
      clock: Clock;
      newId(prefix: string): string;
      /** Cuts off the workers connected with a key that was just revoked. */
      onRevoked?: (keyId: string) => void;
    },
  ) {}

  async create(orgId: string, input: unknown): Promise<{ key: string; workerKey: WorkerKeyView }> {
    const parsed = parseInput(createWorkerKeySchema, input);
    const provider = await this.dependencies.providers.find(orgId, parsed.provider);
    if (provider.kind !== 'gpu-worker' && provider.kind !== 'cli-worker') {
      throw new GatewayError('invalid_request', `Provider '${provider.name}' is a ${provider.kind} provider; worker keys belong to gpu-worker or cli-worker providers`, {
        param: 'provider',
      });
    }
    const key = generateKeySecret(WORKER_KEY_PREFIX);
    const record: WorkerKeyRecord = {
      id: this.dependencies.newId('wkey_'),
      providerId: provider.id,
      name: parsed.name,
      displayPrefix: displayPrefixOf(key),
      hash: hashKeySecret(key),
      createdAt: this.dependencies.clock.now(),
      revokedAt: null,
    };
    await this.dependencies.repository.insert(record);
    return { key, workerKey: toView(record, provider.name) };
  }

  async list(orgId: string): Promise<WorkerKeyView[]> {
    const names = new Map((await this.dependencies.providers.list(orgId)).map((provider) => [provider.id, provider.name]));
    return (await this.dependencies.repository.list())
      .filter((record) => names.has(record.providerId))
      .map((record) => toView(record, names.get(record.providerId) ?? record.providerId));
  }

  async revoke(orgId: string, id: string): Promise<void> {
    const mine = await this.list(orgId);
    if (!mine.some((key) => key.id === id)) throw new GatewayError('not_found', `No worker key '${id}'`);
    await this.dependencies.repository.revoke(id, this.dependencies.clock.now());
    this.dependencies.onRevoked?.(id);
  }
}

function toView(record: WorkerKeyRecord, provider: string): WorkerKeyView {
  return {
    id: record.id,
    name: record.name,
    provider,
    prefix: record.displayPrefix,
    createdAt: new Date(record.createdAt).toISOString(),
    revokedAt: record.revokedAt === null ? null : new Date(record.revokedAt).toISOString(),
  };
}
