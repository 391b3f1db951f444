import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loosenings, matchesAny, narrowPolicy, policySchema, type Policy } from './policy.js';

describe('policies', () => {
  it('narrow: lists intersect (patterns included), ceilings take the lower value, batch wins', () => {
    const team: Policy = {
      allowedTiers: ['gpu', 'cloud'],
      approvedModels: ['claude-*', 'gpt-4.1'],
      requestsPerMinute: 100,
      serviceClass: 'interactive',
      monthlyBudgetUsd: 500,
    };
    const key: Policy = {
      allowedTiers: ['cloud', 'cli'],
      approvedModels: ['claude-sonnet-4-5', 'gpt-*'],
      requestsPerMinute: 10,
      tokensPerMinute: 5000,
      serviceClass: 'batch',
    };
    expect(narrowPolicy(team, key)).toEqual({
      allowedTiers: ['cloud'],
      approvedModels: ['gpt-4.1', 'claude-sonnet-4-5'],
      requestsPerMinute: 10,
      tokensPerMinute: 5000,
      monthlyBudgetUsd: 500,
      serviceClass: 'batch',
    });
    expect(narrowPolicy({}, {})).toEqual({});
  });

  it('a narrowed policy never allows what either side forbids', () => {
    const name = fc.constantFrom('gpt-4.1', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku', 'llama-3', 'auto');
    const patterns = fc.array(fc.constantFrom('gpt-*', 'claude-*', '*', 'gpt-4.1', 'claude-haiku', 'llama-3', '*-mini', 'auto'), { maxLength: 4 });
    const policy = fc.record({
      approvedModels: fc.option(patterns, { nil: undefined }),
      requestsPerMinute: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(policy, policy, name, (a, b, model) => {
        const narrowed = narrowPolicy(policySchema.parse(a), policySchema.parse(b));
        const allows = (p: Policy): boolean => p.approvedModels === undefined || matchesAny(p.approvedModels, model);
        if (allows(narrowed)) expect(allows(policySchema.parse(a)) && allows(policySchema.parse(b))).toBe(true);
        if (narrowed.requestsPerMinute !== undefined) {
          expect(narrowed.requestsPerMinute).toBeLessThanOrEqual(a.requestsPerMinute ?? Number.POSITIVE_INFINITY);
          expect(narrowed.requestsPerMinute).toBeLessThanOrEqual(b.requestsPerMinute ?? Number.POSITIVE_INFINITY);
        }
        // Narrowing with the result changes nothing.
        expect(narrowPolicy(narrowed, narrowed)).toEqual(narrowed);
      }),
      { numRuns: 500 },
    );
  });

  it('names every rule of a team policy that is looser than the organization allows', () => {
    const limits: Policy = { requestsPerMinute: 50, allowedTiers: ['gpu'], approvedModels: ['claude-*'], serviceClass: 'batch' };
    expect(loosenings(limits, { requestsPerMinute: 40, allowedTiers: ['gpu'], approvedModels: ['claude-haiku'], serviceClass: 'batch' })).toEqual([]);
    expect(loosenings(limits, { requestsPerMinute: 100, allowedTiers: ['gpu', 'cloud'], approvedModels: ['gpt-4.1'], serviceClass: 'interactive' })).toEqual([
      'requestsPerMinute (the organization allows at most 50)',
      'allowedTiers (cloud is not allowed by the organization)',
      'approvedModels (gpt-4.1 is not allowed by the organization)',
      'serviceClass (the organization sets batch)',
    ]);
    expect(loosenings(limits, {})).toContain('requestsPerMinute (the organization allows at most 50)');
  });

  it('refuses unknown rules and impossible values', () => {
    expect(policySchema.safeParse({ requestsPerMinute: 0 }).success).toBe(false);
    expect(policySchema.safeParse({ budgetAlertAt: 1.5 }).success).toBe(false);
    expect(policySchema.safeParse({ rpm: 5 }).success).toBe(false);
  });
});
