import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';

/** A field's value: often what its schema wants, often not (wrong types, null, absent, unsafe numbers, nested junk). */
export const anyField = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
  fc.constant(''),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.POSITIVE_INFINITY),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/**
 * An object with some of `keys` (each mostly its own arbitrary, else `anyField`) and a few others;
 * now and then not an object at all. `usuallyPresent` keys are left out less often.
 */
export function nearObject(keys: Record<string, fc.Arbitrary<unknown>>, usuallyPresent: string[] = []): fc.Arbitrary<unknown> {
  const field = (value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: anyField });
  const shaped = fc.record(Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, field(value)])), { requiredKeys: [] });
  const present = fc.record(Object.fromEntries(usuallyPresent.map((key) => [key, field(keys[key] as fc.Arbitrary<unknown>)])));
  const withExtras = fc
    .tuple(shaped, fc.option(present, { freq: 4 }), fc.dictionary(fc.constantFrom('type', 'role', 'content', 'extra'), anyField, { maxKeys: 2 }))
    .map(([own, usual, extra]) => ({ ...extra, ...own, ...(usual ?? {}) }));
  return fc.oneof({ weight: 8, arbitrary: withExtras }, { weight: 1, arbitrary: anyField });
}

/** An array of `item`s, sometimes empty, sometimes with a stray value in it; now and then not an array. */
export function nearArray(item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(anyField, { maxLength: 2 }) },
    { weight: 1, arbitrary: anyField },
  );
}

/** A `usage` object as Anthropic sends it (stream events and whole answers), often near-valid. */
export const nearUsage = nearObject({
  input_tokens: fc.nat(),
  output_tokens: fc.nat(),
  cache_creation_input_tokens: fc.nat(),
  cache_read_input_tokens: fc.nat(),
  output_tokens_details: nearObject({ thinking_tokens: fc.nat() }),
});

/**
 * A hand-written check is sound when every value it admits its schema also admits, and parses to
 * the value itself. Both sides must have been exercised, or the property says nothing.
 */
export function expectSound(admits: (value: unknown) => boolean, schema: z.ZodType, values: fc.Arbitrary<unknown>, numRuns = 3000): void {
  let admitted = 0;
  let refused = 0;
  fc.assert(
    fc.property(values, (value) => {
      if (!admits(value)) {
        refused++;
        return;
      }
      admitted++;
      const parsed = schema.safeParse(value);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(value);
    }),
    { numRuns },
  );
  expect(admitted).toBeGreaterThan(numRuns / 60);
  expect(refused).toBeGreaterThan(numRuns / 60);
}
