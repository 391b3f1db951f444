import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('is the prefix, 8 time characters and 12 random ones, all URL-safe', () => {
    const id = newId('req_');
    expect(id).toMatch(/^req_[A-Za-z0-9_-]{20}$/);
  });

  it('sorts as text in the order of the milliseconds it was made, whatever the random part', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 2 ** 20 }), (earlier, gap) => {
        const later = Math.min(2 ** 48 - 1, earlier + gap);
        const first = newId('req_', earlier);
        const second = newId('req_', later);
        expect(first < second).toBe(true);
        // Plain code-unit comparison is what SQLite's BINARY collation and PostgreSQL's "C" collation do.
        expect(Buffer.compare(Buffer.from(first), Buffer.from(second))).toBe(-1);
      }),
    );
  });

  it('writes the time in fixed width from the epoch on', () => {
    expect(newId('x_', 0).slice(2, 10)).toBe('--------');
    expect(newId('x_', 63).slice(2, 10)).toBe('-------z');
    expect(newId('x_', 64).slice(2, 10)).toBe('------0-');
  });

  it('does not repeat within one millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('req_', 1_750_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
