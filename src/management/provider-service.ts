import { GatewayError } from '../canonical/gateway-error.js';
import type { Clock } from '../platform/clock.js';
import { sealOwner, type ProviderFactory } from '../providers/provider-factory.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { ProviderRecord, ProviderSettings } from '../store/records.js';
import type { ProviderRepository } from '../store/store.js';
import {
  createProviderSchema,
  PROVIDER_DEFAULTS,
  updateProviderSchema,
  type CreateProviderInput,
} from './provider-input.js';
import { parseInput } from './validation.js';
import { cloudModelList, discoversModels } from './provider-models.js';
import type { Logger } from '../platform/logger.js';
import type { ModelDiscovery } from '../providers/http/model-discovery.js';

/** A provider as the management API shows it: everything but the secret. */
export interface ProviderView {
  id: string;
  name: string;
  kind: ProviderRecord['kind'];
  tier: ProviderRecord['tier'];
  baseUrl: string | null;
  models: string[];
  settings: ProviderSettings;
  enabled: boolean;
  hasApiKey: boolean;
  createdAt: string;
  updatedAt: string;
  capacity?: { state: string; inFlight: number; limit: number | null };
  /** Requests waiting for this provider's capacity right now. */
  queue?: { waiting: number };
}

export interface ProviderServiceDependencies {
  /**
   * Lists an HTTP upstream's models, for providers added without `models`; absent in tests that
   * need no network at all.
   */
  discoverModels?: (input: { kind: 'openai' | 'anthropic' | 'openai-compatible'; baseUrl: string; apiKey: string | undefined }) => Promise<ModelDiscovery>;
  logger?: Logger;
  repository: ProviderRepository;
  registry: ProviderRegistry;
  factory: ProviderFactory;
  secrets: SecretBox;
  clock: Clock;
  newId(prefix: string): string;
  /** How many requests wait for a provider's capacity (the dispatch queue). */
  waitingFor?: (providerId: string) => number;
  /** Tells whether a base URL reaches this server itself (a provider there would loop). */
  self?: { pointsHere(url: string): Promise<boolean> };
}

/**
 * Adds, changes and removes providers. The admin REST API, the CLI (through that API) and, later,
 * the Admin Agent all come through here, so validation and secret handling exist once.
 */
export class ProviderService {
  constructor(private readonly dependencies: ProviderServiceDependencies) {}

  /** Builds the live providers from the store at start-up. */
  async loadAll(orgId: string): Promise<void> {
    for (const record of await this.dependencies.repository.list(orgId)) {
      if (record.enabled) this.dependencies.registry.put(this.dependencies.factory.build(record));
    }
  }

  /** True when a base URL would reach this very server. */
  async pointsAtThisServer(baseUrl: string): Promise<boolean> {
    return (await this.dependencies.self?.pointsHere(baseUrl)) === true;
  }

  async list(orgId: string): Promise<ProviderView[]> {
    return (await this.dependencies.repository.list(orgId)).map((record) => this.view(record));
  }

  async get(orgId: string, idOrName: string): Promise<ProviderView> {
    return this.view(await this.find(orgId, idOrName));
  }

  async create(orgId: string, input: unknown): Promise<ProviderView> {
    const parsed = parseInput(createProviderSchema, input);
    const { repository, clock } = this.dependencies;
    if ((await repository.findByName(orgId, parsed.name)) !== undefined) {
      throw new GatewayError('invalid_request', `A provider named '${parsed.name}' already exists`, { param: 'name' });
    }
    const baseUrl = resolveBaseUrl(parsed);
    // Before anything is fetched from it: a provider that is this server would loop.
    await this.refuseSelf(baseUrl);
    const now = clock.now();
    const id = this.dependencies.newId('prov_');
    const record: ProviderRecord = {
      id,
      orgId,
      name: parsed.name,
      kind: parsed.kind,
      tier: parsed.tier ?? PROVIDER_DEFAULTS[parsed.kind].tier,
      baseUrl,
      models: parsed.models ?? (await this.defaultModels(parsed)),
      sealedApiKey: parsed.apiKey === undefined ? null : this.dependencies.secrets.seal(parsed.apiKey, sealOwner(id)),
      settings: parsed.settings ?? {},
      enabled: parsed.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    this.checkWorkerShape(record, parsed.apiKey !== undefined);
    const live = record.enabled ? this.dependencies.factory.build(record) : undefined;
    await repository.insert(record);
    if (live !== undefined) this.dependencies.registry.put(live);
    return this.view(record);
  }

  async update(orgId: string, idOrName: string, input: unknown): Promise<ProviderView> {
    const changes = parseInput(updateProviderSchema, input);
    const current = await this.find(orgId, idOrName);
    const moves = changes.baseUrl !== undefined && withoutTrailingSlash(changes.baseUrl) !== withoutTrailingSlash(current.baseUrl ?? '');
    if (moves && current.sealedApiKey !== null && changes.apiKey === undefined) {
      // Otherwise anyone who may edit a provider could send its stored key to a host of their choosing.
      throw new GatewayError('invalid_request', `Changing the baseUrl of '${current.name}' would send its stored API key to a new address: send apiKey again with the new baseUrl (or apiKey: null to drop the key)`, {
        param: 'apiKey',
      });
    }
    const record: ProviderRecord = {
      ...current,
      tier: changes.tier ?? current.tier,
      baseUrl: changes.baseUrl ?? current.baseUrl,
      models: changes.models ?? current.models,
      settings: changes.settings ?? current.settings,
      enabled: changes.enabled ?? current.enabled,
      sealedApiKey:
        changes.apiKey === undefined
          ? current.sealedApiKey
          : changes.apiKey === null
            ? null
            : this.dependencies.secrets.seal(changes.apiKey, sealOwner(current.id)),
      updatedAt: this.dependencies.clock.now(),
    };
    this.checkWorkerShape(record, typeof changes.apiKey === 'string');
    if (moves) await this.refuseSelf(record.baseUrl);
    const live = record.enabled ? this.dependencies.factory.build(record) : undefined;
    await this.dependencies.repository.update(record);
    const replaced = live === undefined ? this.dependencies.registry.remove(record.id) : this.dependencies.registry.put(live);
    // Worker pools survive configuration changes (same object, workers stay connected).
    if (replaced !== undefined && replaced !== live) await replaced.close();
    return this.view(record);
  }

  async delete(orgId: string, idOrName: string): Promise<void> {
    const record = await this.find(orgId, idOrName);
    await this.dependencies.repository.delete(record.id);
    await this.dependencies.registry.remove(record.id)?.close();
  }

  async find(orgId: string, idOrName: string): Promise<ProviderRecord> {
    const { repository } = this.dependencies;
    const byId = await repository.findById(idOrName);
    const record = byId?.orgId === orgId ? byId : await repository.findByName(orgId, idOrName);
    if (record === undefined) throw new GatewayError('not_found', `No provider '${idOrName}'`);
    return record;
  }

  private async refuseSelf(baseUrl: string | null): Promise<void> {
    if (baseUrl !== null && (await this.pointsAtThisServer(baseUrl))) {
      throw new GatewayError('invalid_request', `The baseUrl ${baseUrl} is this Auxot server itself: requests to it would come straight back`, { param: 'baseUrl' });
    }
  }

  /** What a provider added without `models` serves: what its upstream lists, else the kind's defaults. */
  private async defaultModels(input: CreateProviderInput): Promise<string[]> {
    const baseUrl = resolveBaseUrl(input);
    const { kind } = input;
    if (!discoversModels(kind) || baseUrl === null || (kind !== 'openai' && kind !== 'anthropic' && kind !== 'openai-compatible')) return resolveModels(input);
    const found = (await this.dependencies.discoverModels?.({ kind, baseUrl, apiKey: input.apiKey })) ?? { ok: false, reason: 'model discovery is off' };
    if (kind === 'openai-compatible') {
      if (found.ok && found.models.length > 0) return found.models;
      const why = found.ok ? 'it listed none' : found.reason;
      throw new GatewayError('invalid_request', `A ${kind} provider needs a list of models, and its server did not list them (${why})`, { param: 'models' });
    }
    if (found.ok) {
      this.dependencies.logger?.info('listed the upstream\'s models', { provider: input.name, models: found.models.length });
    } else {
      this.dependencies.logger?.warn('could not list the upstream\'s models; using the default list', { provider: input.name, reason: found.reason });
    }
    return cloudModelList(kind, found.ok ? found.models : undefined);
  }

  private checkWorkerShape(record: ProviderRecord, hasApiKey: boolean): void {
    const isWorker = record.kind === 'gpu-worker' || record.kind === 'cli-worker';
    if (isWorker && (record.baseUrl !== null || hasApiKey)) {
      throw new GatewayError('invalid_request', `A ${record.kind} provider takes no baseUrl or apiKey: its workers dial in with worker keys`);
    }
    if (!isWorker && record.baseUrl === null) {
      throw new GatewayError('invalid_request', `A ${record.kind} provider needs a baseUrl`, { param: 'baseUrl' });
    }
  }

  private view(record: ProviderRecord): ProviderView {
    const live = this.dependencies.registry.get(record.id);
    const capacity = live?.capacity();
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      tier: record.tier,
      baseUrl: record.baseUrl,
      models: record.models,
      settings: record.settings,
      enabled: record.enabled,
      hasApiKey: record.sealedApiKey !== null,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      ...(capacity === undefined ? {} : { capacity: { state: capacity.state, inFlight: capacity.inFlight, limit: capacity.limit ?? null } }),
      ...(live === undefined || this.dependencies.waitingFor === undefined ? {} : { queue: { waiting: this.dependencies.waitingFor(record.id) } }),
    };
  }
}

function resolveBaseUrl(input: CreateProviderInput): string | null {
  return input.baseUrl ?? PROVIDER_DEFAULTS[input.kind].baseUrl ?? null;
}

function resolveModels(input: CreateProviderInput): string[] {
  const models = input.models ?? PROVIDER_DEFAULTS[input.kind].models;
  if (models === undefined) {
    throw new GatewayError('invalid_request', `A ${input.kind} provider needs a list of models`, { param: 'models' });
  }
  return models;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
