import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { holdTrailingWhitespace } from './trailing-whitespace.js';

function run(chunks: string[]): string[] {
  let pending = '';
  const emitted: string[] = [];
  for (const chunk of chunks) {
    const step = holdTrailingWhitespace(pending, chunk);
    pending = step.pending;
    emitted.push(step.emit);
  }
  return emitted;
}

describe('holdTrailingWhitespace', () => {
  test('drops the grammar newlines at the end and keeps spaces inside values', () => {
    expect(run(['{"city":', ' "New', ' ', 'York"}', '\n', '\n\n\n'])).toEqual(['{"city":', ' "New', '', ' York"}', '', '']);
  });

  test('property: what is emitted is the whole text without its trailing whitespace', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '\n', '"', '\t') })), (chunks) => {
        expect(run(chunks).join('')).toBe(chunks.join('').trimEnd());
      }),
    );
  });
});
