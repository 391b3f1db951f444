import type { Provider } from './provider.js';

/**
 * The live providers, in the order they were added. The management layer swaps entries in and
 * out as configuration changes; the request path only reads.
 */
export class ProviderRegistry {
  private readonly byId = new Map<string, Provider>();
  private ordered: Provider[] = [];

  list(): readonly Provider[] {
    return this.ordered;
  }

  get(id: string): Provider | undefined {
    return this.byId.get(id);
  }

  findByName(name: string): Provider | undefined {
    return this.ordered.find((provider) => provider.name === name);
  }

  /** Adds or replaces a provider (same id keeps its place); returns the one it replaced. */
  put(provider: Provider): Provider | undefined {
    const previous = this.byId.get(provider.id);
    this.byId.set(provider.id, provider);
    this.ordered = previous === undefined ? [...this.ordered, provider] : this.ordered.map((p) => (p.id === provider.id ? provider : p));
    return previous;
  }

  remove(id: string): Provider | undefined {
    const previous = this.byId.get(id);
    if (previous === undefined) return undefined;
    this.byId.delete(id);
    this.ordered = this.ordered.filter((provider) => provider.id !== id);
    return previous;
  }
}
