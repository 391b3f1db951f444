import type { Provider } from '../providers/provider.js';

/** One way to serve a request: a provider and the concrete model to ask it for. */
export interface Candidate {
  provider: Provider;
  model: string;
}

/** The ordered candidates for one request, and the name of the route that produced them. */
export interface RoutePlan {
  /** The route alias, or the model name for implicit routes. */
  route: string;
  /** True for a configured route or `auto`: approving the alias in a policy approves its candidates. */
  alias: boolean;
  candidates: Candidate[];
}
