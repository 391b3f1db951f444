import { GatewayError } from '../canonical/gateway-error.js';
import type { Provider } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RouteRecord } from '../store/records.js';
import type { Candidate, RoutePlan } from './route-plan.js';
import { tierRank } from './tier-order.js';

/** The cascade alias: GPU → CLI → cloud. */
export const AUTO_ROUTE = 'auto';

/** Where configured routes come from (a cache over the store, kept fresh by the management layer). */
export interface RouteSource {
  get(name: string): RouteRecord | undefined;
}

/**
 * Turns the model a caller asked for into ordered candidates:
 * 1. `<provider>/<model>` names one provider explicitly;
 * 2. a configured route (alias) lists its candidates in order;
 * 3. `auto` without a configured route cascades over every provider's first model;
 * 4. otherwise every provider whose model list matches, GPU before CLI before cloud.
 */
export class RoutePlanner {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly routes: RouteSource,
  ) {}

  /** The candidates for `model`; the caller's policy filters them when the request is executed. */
  plan(model: string): RoutePlan {
    const explicit = this.explicitProvider(model);
    if (explicit !== undefined) return { route: model, alias: false, candidates: [explicit] };

    const route = this.routes.get(model);
    if (route !== undefined) return { route: route.name, alias: true, candidates: this.fromRoute(route) };
    if (model === AUTO_ROUTE) return { route: AUTO_ROUTE, alias: true, candidates: this.defaultCascade() };

    const candidates = this.providers
      .list()
      .filter((provider) => provider.serves(model))
      .map((provider, order) => ({ provider, order }))
      .sort((a, b) => tierRank(a.provider.tier) - tierRank(b.provider.tier) || a.order - b.order)
      .map(({ provider }) => ({ provider, model }));
    if (candidates.length === 0) {
      throw new GatewayError('not_found', `The model '${model}' does not exist or no provider serves it`, { param: 'model' });
    }
    return { route: model, alias: false, candidates };
  }

  /**
   * `auto` without a configured route: every provider that names a concrete model, with its first
   * one, GPU before CLI before cloud.
   */
  private defaultCascade(): Candidate[] {
    const candidates = this.providers
      .list()
      .map((provider, order) => ({ provider, order, model: provider.listModels()[0] }))
      .filter((entry): entry is { provider: Provider; order: number; model: string } => entry.model !== undefined)
      .sort((a, b) => tierRank(a.provider.tier) - tierRank(b.provider.tier) || a.order - b.order)
      .map(({ provider, model }) => ({ provider, model }));
    if (candidates.length === 0) {
      throw new GatewayError('not_found', "The 'auto' route has no candidates: add providers with concrete model names, or configure the route", {
        param: 'model',
      });
    }
    return candidates;
  }

  /** The candidates `model` would get now, or none (for start-up reports and `/models`; no policy applied). */
  preview(model: string): Candidate[] {
    try {
      return this.plan(model).candidates;
    } catch {
      return [];
    }
  }

  private explicitProvider(model: string): Candidate | undefined {
    const slash = model.indexOf('/');
    if (slash <= 0) return undefined;
    const provider = this.providers.findByName(model.slice(0, slash));
    return provider === undefined ? undefined : { provider, model: model.slice(slash + 1) };
  }

  private fromRoute(route: RouteRecord): Candidate[] {
    const candidates: Candidate[] = [];
    for (const entry of route.candidates) {
      const provider = this.providers.findByName(entry.provider);
      if (provider !== undefined) candidates.push({ provider, model: entry.model });
    }
    if (candidates.length === 0) {
      throw new GatewayError('not_found', `Route '${route.name}' has no provider that exists any more`, { param: 'model' });
    }
    return candidates;
  }
}
