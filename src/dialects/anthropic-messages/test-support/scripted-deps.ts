import type { DialectDependencies } from '../../dialect.js';

/** Ids `<prefix>1`, `<prefix>2`, … and a clock that stands still. */
export function scriptedDeps(nowSeconds = 1_760_000_000): DialectDependencies {
  let counter = 0;
  return {
    nowSeconds: () => nowSeconds,
    newId: (prefix) => `${prefix}${++counter}`,
  };
}
