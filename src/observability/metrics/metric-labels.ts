import type { Clock } from '../../platform/clock.js';

/** What the configuration names: the only route, provider and model values a metric label may take. */
export interface ConfiguredNames {
  providerName(providerId: string): string | undefined;
  providers(): ReadonlyArray<{ name: string; models(): readonly string[] }>;
  routes(): ReadonlyArray<{ name: string; models: readonly string[] }>;
}

/** A label for a value the configuration does not name (a caller's made-up model, a deleted provider). */
export const OTHER = 'other';
/** A label for "there was none" (a request refused before a route or provider was chosen). */
export const NONE = 'none';

const REFRESH_MS = 1_000;

/**
 * Keeps label values bounded. Callers choose model names (and `<provider>/<model>`, or a name a
 * provider's `claude-*` pattern accepts), so label values are only names the configuration itself
 * holds: configured routes, `auto`, providers, and the concrete models of providers and routes.
 * Anything else is `other`. The allowed sets are rebuilt at most once a second.
 */
export class MetricLabels {
  private models = new Set<string>();
  private routes = new Set<string>();
  private refreshedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly names: ConfiguredNames,
    private readonly clock: Clock,
  ) {}

  provider(providerId: string | null): string {
    if (providerId === null) return NONE;
    return this.names.providerName(providerId) ?? OTHER;
  }

  model(model: string | null): string {
    if (model === null) return NONE;
    this.refresh();
    return this.models.has(model) ? model : OTHER;
  }

  route(route: string | null): string {
    if (route === null) return NONE;
    this.refresh();
    if (this.routes.has(route) || this.models.has(route)) return route;
    // `<provider>/<model>`: kept when both halves are configured names.
    const slash = route.indexOf('/');
    if (slash > 0 && this.models.has(route.slice(slash + 1)) && this.names.providers().some((provider) => provider.name === route.slice(0, slash))) {
      return route;
    }
    return OTHER;
  }

  private refresh(): void {
    const now = this.clock.monotonic();
    if (now - this.refreshedAt < REFRESH_MS) return;
    this.refreshedAt = now;
    const models = new Set<string>();
    const routes = new Set<string>(['auto']);
    for (const provider of this.names.providers()) for (const model of provider.models()) models.add(model);
    for (const route of this.names.routes()) {
      routes.add(route.name);
      for (const model of route.models) models.add(model);
    }
    this.models = models;
    this.routes = routes;
  }
}
