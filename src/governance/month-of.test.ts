import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthOf } from './admission.js';
import { matchesPattern } from './policy.js';

describe('monthOf', () => {
  it('names the UTC month of any sequence of times, remembered month or not', () => {
    const around = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }), { minLength: 1, maxLength: 30 }), (offsets) => {
        for (const offset of offsets) expect(monthOf(around + offset)).toBe(new Date(around + offset).toISOString().slice(0, 7));
      }),
    );
  });
});

describe('matchesPattern', () => {
  it('answers the same for a pattern compiled before as for a fresh one', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z.*+?-]{0,8}$/), fc.stringMatching(/^[a-z.+?-]{0,8}$/), (pattern, name) => {
        const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
        const expected = pattern.includes('*') ? new RegExp(`^${escaped.join('.*')}$`).test(name) : pattern === name;
        expect(matchesPattern(pattern, name)).toBe(expected);
        expect(matchesPattern(pattern, name)).toBe(expected);
      }),
    );
  });
});
