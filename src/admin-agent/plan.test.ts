import { describe, expect, it } from 'vitest';
import { changesOf, IDENTITY_FIELDS, planHash, summaryOf, type PlanOperation } from './plan.js';

const operation = (input: Record<string, unknown>): PlanOperation => ({ index: 1, operation: 'teams.create', summary: '', input, changes: [] });

describe('plans bound to their content', () => {
  it('hashes equal content equally, whatever order the model wrote the fields in', () => {
    expect(planHash('plan_1', [operation({ name: 'eng', policy: { requestsPerMinute: 50, serviceClass: 'interactive' } })])).toBe(
      planHash('plan_1', [operation({ policy: { serviceClass: 'interactive', requestsPerMinute: 50 }, name: 'eng' })]),
    );
  });

  it('changes the hash when anything that would run changes: a value, an operation, the order, the plan id', () => {
    const base = planHash('plan_1', [operation({ name: 'eng', policy: { requestsPerMinute: 50 } })]);
    expect(planHash('plan_1', [operation({ name: 'eng', policy: { requestsPerMinute: 51 } })])).not.toBe(base);
    expect(planHash('plan_1', [{ ...operation({ name: 'eng', policy: { requestsPerMinute: 50 } }), operation: 'teams.delete' }])).not.toBe(base);
    expect(planHash('plan_2', [operation({ name: 'eng', policy: { requestsPerMinute: 50 } })])).not.toBe(base);
    const two = [operation({ name: 'a' }), { ...operation({ name: 'b' }), index: 2 }];
    expect(planHash('plan_1', two)).not.toBe(planHash('plan_1', [{ ...two[1]!, index: 1 }, { ...two[0]!, index: 2 }]));
  });

  it('shows what each field held before, and secret slots by name only', () => {
    const changes = changesOf({ provider: 'cloud', baseUrl: 'https://new.example', apiKey: { $secret: 'cloud-key' }, enabled: true }, { baseUrl: 'https://old.example', enabled: true }, IDENTITY_FIELDS, false);
    expect(changes).toEqual([
      { field: 'baseUrl', before: 'https://old.example', after: 'https://new.example' },
      { field: 'apiKey', before: null, after: '(secret slot cloud-key)' },
    ]);
    expect(changesOf({ team: 'eng' }, { name: 'eng', policy: {} }, IDENTITY_FIELDS, true)).toEqual([{ field: '(all)', before: { name: 'eng', policy: {} }, after: null }]);
  });

  it('summarises an operation by what it acts on', () => {
    expect(summaryOf('routes.put', { route: 'coding', candidates: [] })).toBe("put routes 'coding'");
    expect(summaryOf('mcp.tools.approve', { connection: 'github', tools: ['echo'] })).toBe("approve mcp.tools 'github'");
  });
});
