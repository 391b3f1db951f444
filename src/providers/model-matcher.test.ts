import { describe, expect, it } from 'vitest';
import { ModelMatcher } from './model-matcher.js';

describe('ModelMatcher', () => {
  it('matches exact names and * patterns, and lists only concrete names', () => {
    const matcher = new ModelMatcher(['gpt-4.1', 'claude-*', 'o3*', 'a.b+c']);
    expect(matcher.matches('gpt-4.1')).toBe(true);
    expect(matcher.matches('gpt-4.1-mini')).toBe(false);
    expect(matcher.matches('claude-sonnet-4-5')).toBe(true);
    expect(matcher.matches('o3-mini')).toBe(true);
    expect(matcher.matches('a.b+c')).toBe(true);
    expect(matcher.matches('aXb+c')).toBe(false);
    expect(matcher.concreteNames()).toEqual(['gpt-4.1', 'a.b+c']);
  });
});
