import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestRecord } from '../store/test-support/request-record.js';
import { rollupsOf } from './usage-rollups.js';

describe('rollupsOf', () => {
  it('counts each record on its own UTC day, in any order, across midnight', () => {
    const midnight = Date.UTC(2026, 11, 3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 1, maxLength: 50 }), (offsets) => {
        const rollups = rollupsOf(offsets.map((offset) => requestRecord(`req_${offset}`, midnight + offset)));
        const expected = new Map<string, number>();
        for (const offset of offsets) {
          const day = new Date(midnight + offset).toISOString().slice(0, 10);
          expected.set(day, (expected.get(day) ?? 0) + 1);
        }
        expect(new Map(rollups.map((rollup) => [rollup.day, rollup.requests]))).toEqual(expected);
      }),
    );
  });
});
