import type { ProviderRecord, RouteCandidate } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** A route callers can name, with its candidates in order; `builtIn` for the `auto` cascade nobody configured. */
export interface RouteInUse {
  name: string;
  builtIn: boolean;
  candidates: RouteCandidate[];
}

/** Who lists the candidates the built-in `auto` cascade would try now (the route planner). */
export type AutoCascade = () => RouteCandidate[];

/** The configured routes, plus `auto` when it is not configured (it then cascades over every provider). */
export async function routesInUse(store: Store, orgId: string, autoCascade: AutoCascade): Promise<RouteInUse[]> {
  const configured = (await store.routes.list(orgId)).map((route) => ({ name: route.name, builtIn: false, candidates: route.candidates }));
  if (configured.some((route) => route.name === 'auto')) return configured;
  return [...configured, { name: 'auto', builtIn: true, candidates: autoCascade() }];
}

export function providersByName(providers: readonly ProviderRecord[]): Map<string, ProviderRecord> {
  return new Map(providers.map((provider) => [provider.name, provider]));
}
