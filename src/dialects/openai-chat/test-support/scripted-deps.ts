import type { DialectDependencies } from '../../dialect.js';

/** Ids count up per prefix (`call_1`, `call_2`, `chatcmpl-1`) and the clock stands still. */
export function scriptedDeps(nowSeconds = 1_700_000_000): DialectDependencies {
  const counters = new Map<string, number>();
  return {
    nowSeconds: () => nowSeconds,
    newId: (prefix) => {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}${next}`;
    },
  };
}
