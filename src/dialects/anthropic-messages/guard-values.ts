/**
 * The value checks stream-guards.ts and wire-guards.ts are made of, each the exact counterpart of
 * a zod primitive there. Objects are checked with `isJsonObject` (canonical/json.ts).
 */

/** `.nullish()` admits both. */
export const isNullish = (value: unknown): value is null | undefined => value === undefined || value === null;

/** `z.number()`: finite only (JSON cannot carry the others, but a check must not admit them). */
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** `.int()`: zod's integers are safe integers. */
export const isSafeInteger = (value: unknown): value is number => Number.isSafeInteger(value);

/** `z.string().min(1)`. */
export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export const isNullishString = (value: unknown): boolean => isNullish(value) || typeof value === 'string';

export const isNullishNumber = (value: unknown): boolean => isNullish(value) || isFiniteNumber(value);
