import { z } from 'zod';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Clock } from '../platform/clock.js';
import type { RouteCatalog } from '../routing/route-catalog.js';
import type { RouteRecord } from '../store/records.js';
import type { RouteRepository } from '../store/store.js';
import type { ProviderService } from './provider-service.js';
import { parseInput } from './validation.js';

export const routeSchema = z
  .object({
    candidates: z
      .array(z.object({ provider: z.string().min(1), model: z.string().min(1) }).strict())
      .min(1, 'a route needs at least one candidate'),
  })
  .strict();

const routeName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._:-]{0,127}$/, 'use letters, digits, ".", "_", ":" or "-"');

export interface RouteView {
  name: string;
  candidates: RouteRecord['candidates'];
  updatedAt: string;
}

/**
 * Routes: a model name or alias callers use (`auto`, `coding`, `gpt-4.1`) and the ordered
 * provider/model candidates that serve it. Saved to the store and to the in-memory catalog the
 * request path reads.
 */
export class RouteService {
  constructor(
    private readonly dependencies: {
      repository: RouteRepository;
      catalog: RouteCatalog;
      providers: ProviderService;
      clock: Clock;
      newId(prefix: string): string;
    },
  ) {}

  async list(orgId: string): Promise<RouteView[]> {
    return (await this.dependencies.repository.list(orgId)).map(toView);
  }

  async put(orgId: string, name: string, input: unknown): Promise<RouteView> {
    const validName = routeName.safeParse(name);
    if (!validName.success) throw new GatewayError('invalid_request', `Invalid route name '${name}': ${validName.error.issues[0]?.message ?? ''}`);
    const { candidates } = parseInput(routeSchema, input);
    for (const candidate of candidates) {
      const provider = await this.dependencies.providers.find(orgId, candidate.provider).catch(() => undefined);
      if (provider === undefined) {
        throw new GatewayError('invalid_request', `Route candidate names unknown provider '${candidate.provider}'`, { param: 'candidates' });
      }
      candidate.provider = provider.name;
    }
    const now = this.dependencies.clock.now();
    const existing = await this.dependencies.repository.findByName(orgId, name);
    const record: RouteRecord = {
      id: existing?.id ?? this.dependencies.newId('route_'),
      orgId,
      name,
      candidates,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.dependencies.repository.upsert(record);
    this.dependencies.catalog.put(record);
    return toView(record);
  }

  async delete(orgId: string, name: string): Promise<void> {
    if (!(await this.dependencies.repository.delete(orgId, name))) throw new GatewayError('not_found', `No route '${name}'`);
    this.dependencies.catalog.remove(name);
  }
}

function toView(record: RouteRecord): RouteView {
  return { name: record.name, candidates: record.candidates, updatedAt: new Date(record.updatedAt).toISOString() };
}
