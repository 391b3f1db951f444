/**
 * A provider's model list: exact names and `*` patterns (`claude-*`, `*`), checked in order.
 * Patterns let a provider added from an environment key serve every model of its vendor without a
 * list that goes stale.
 */
export class ModelMatcher {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];
  private readonly concrete: string[] = [];

  constructor(models: readonly string[]) {
    for (const model of models) {
      if (model.includes('*')) {
        const escaped = model.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
        this.patterns.push(new RegExp(`^${escaped.join('.*')}$`));
      } else {
        this.exact.add(model);
        this.concrete.push(model);
      }
    }
  }

  matches(model: string): boolean {
    return this.exact.has(model) || this.patterns.some((pattern) => pattern.test(model));
  }

  concreteNames(): string[] {
    return [...this.concrete];
  }
}
