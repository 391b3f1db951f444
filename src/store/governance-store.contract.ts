import { expect, it } from 'vitest';
import { emptyBuckets } from '../governance/duration-buckets.js';
import type { ConfigChangeRecord, UsageRollupRecord } from './governance-records.js';
import type { Store } from './store.js';

/** Governance's part of the store contract: teams, people, memberships, accounts, audit, usage, transactions. */
export function runGovernanceStoreContract(create: () => Promise<Store>): void {
  const org = { id: 'org_g', name: 'Org', createdAt: 1, settings: {} };
  const team = { id: 'team_1', orgId: org.id, name: 'eng', description: 'Engineering', limits: { requestsPerMinute: 50 }, policy: { approvedModels: ['claude-*'] }, createdAt: 1, updatedAt: 1 };
  const user = { id: 'user_1', orgId: org.id, name: 'Ann', email: 'ann@example.com', role: 'member' as const, createdAt: 1, updatedAt: 1, disabledAt: null };

  it('keeps teams with their limits and policy, people by email, memberships, and service accounts that go with their team', async () => {
    const store = await create();
    await store.organizations.insert(org);
    await store.teams.insert(team);
    await expect(store.teams.insert({ ...team, id: 'team_dup' })).rejects.toThrow();
    expect(await store.teams.findByName(org.id, 'eng')).toEqual(team);
    await store.teams.update({ ...team, policy: {}, updatedAt: 2 });
    expect((await store.teams.findById('team_1'))?.policy).toEqual({});
    await store.users.insert(user);
    expect(await store.users.findByEmail(org.id, 'ANN@example.com')).toEqual(user);
    await store.memberships.put({ teamId: 'team_1', userId: 'user_1', role: 'member', createdAt: 3 });
    await store.memberships.put({ teamId: 'team_1', userId: 'user_1', role: 'team_admin', createdAt: 4 });
    expect(await store.memberships.listByUser('user_1')).toEqual([{ teamId: 'team_1', userId: 'user_1', role: 'team_admin', createdAt: 3 }]);
    await store.serviceAccounts.insert({ id: 'sa_1', orgId: org.id, teamId: 'team_1', name: 'ci', description: '', createdAt: 5, disabledAt: null });
    expect((await store.serviceAccounts.findByName('team_1', 'ci'))?.id).toBe('sa_1');
    expect(await store.teams.delete('team_1')).toBe(true);
    expect(await store.memberships.listByTeam('team_1')).toEqual([]);
    expect(await store.serviceAccounts.findById('sa_1')).toBeUndefined();
    expect(await store.users.findById('user_1')).toEqual(user);
    await store.close();
  });

  it('deletes a person with their memberships, and a service account on its own, leaving the team', async () => {
    const store = await create();
    await store.organizations.insert(org);
    await store.teams.insert(team);
    await store.users.insert(user);
    await store.memberships.put({ teamId: 'team_1', userId: 'user_1', role: 'member', createdAt: 3 });
    await store.serviceAccounts.insert({ id: 'sa_1', orgId: org.id, teamId: 'team_1', name: 'ci', description: '', createdAt: 5, disabledAt: null });
    expect(await store.users.delete('user_1')).toBe(true);
    expect(await store.users.delete('user_1')).toBe(false);
    expect(await store.users.findById('user_1')).toBeUndefined();
    expect(await store.memberships.listByTeam('team_1')).toEqual([]);
    expect(await store.serviceAccounts.delete('sa_1')).toBe(true);
    expect(await store.serviceAccounts.findById('sa_1')).toBeUndefined();
    expect(await store.serviceAccounts.delete('sa_1')).toBe(false);
    expect((await store.teams.findById('team_1'))?.name).toBe('eng');
    await store.close();
  });

  it('writes a change and its audit record together, or neither when the work fails', async () => {
    const store = await create();
    await store.organizations.insert(org);
    const change = (id: string, at: number, teamId: string | null): ConfigChangeRecord => ({
      id,
      orgId: org.id,
      at,
      actorKind: 'user',
      actorId: 'user_1',
      actorName: 'Ann',
      keyId: 'key_1',
      onBehalfOf: null,
      action: 'team.policy',
      targetType: 'team',
      targetId: teamId ?? 'x',
      targetName: 'eng',
      teamId,
      before: { a: 1 },
      after: { a: 2 },
    });
    await store.transaction(async (tx) => {
      await tx.teams.insert(team);
      await tx.configChanges.insert(change('chg_1', 10, 'team_1'));
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.users.insert(user);
        await tx.configChanges.insert(change('chg_2', 11, null));
        throw new Error('the change was refused half-way');
      }),
    ).rejects.toThrow(/half-way/);
    expect(await store.users.findById('user_1')).toBeUndefined();
    for (let index = 3; index < 9; index++) await store.configChanges.insert(change(`chg_${index}`, 20, index % 2 === 0 ? 'team_1' : null));
    const pages: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.configChanges.list({ orgId: org.id, limit: 2, ...(before === undefined ? {} : { before }) });
      if (page.length === 0) break;
      pages.push(...page.map((entry) => entry.id));
      before = page.at(-1)?.id;
    }
    expect(pages).toHaveLength(7);
    expect(new Set(pages).size).toBe(7);
    expect((await store.configChanges.list({ orgId: org.id, limit: 50, teamIds: ['team_1'] })).map((entry) => entry.id).sort()).toEqual(['chg_1', 'chg_4', 'chg_6', 'chg_8']);
    expect((await store.configChanges.list({ orgId: org.id, limit: 1 }))[0]?.before).toEqual({ a: 1 });
    expect(await store.configChanges.deleteOlderThan(15, 100)).toBe(1);
    await store.close();
  });

  it('adds usage roll-ups up per day and dimensions, and groups them on demand', async () => {
    const store = await create();
    const rollup = (overrides: Partial<UsageRollupRecord>): UsageRollupRecord => ({
      orgId: org.id,
      day: '2026-12-01',
      teamId: 'team_1',
      userId: 'user_1',
      serviceAccountId: '',
      keyId: 'key_1',
      providerId: 'prov_1',
      model: 'm',
      requests: 2,
      errors: 1,
      inputTokens: 10,
      outputTokens: 20,
      cacheReadTokens: 1,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costUsd: 0.5,
      durationBuckets: emptyBuckets().map((_, index) => (index === 3 ? 2 : 0)),
      ...overrides,
    });
    await store.usage.add([rollup({})]);
    await store.usage.add([rollup({}), rollup({ day: '2026-12-02', keyId: 'key_2' })]);
    const byTeam = await store.usage.query({ orgId: org.id, groupBy: ['team'] });
    expect(byTeam).toHaveLength(1);
    expect(byTeam[0]).toMatchObject({ teamId: 'team_1', day: '', requests: 6, errors: 3, inputTokens: 30, costUsd: 1.5 });
    expect(byTeam[0]?.durationBuckets[3]).toBe(6);
    const byKeyAndDay = await store.usage.query({ orgId: org.id, groupBy: ['key', 'day'], sinceDay: '2026-12-02' });
    expect(byKeyAndDay.map((row) => [row.keyId, row.day, row.requests])).toEqual([['key_2', '2026-12-02', 2]]);
    expect(await store.usage.deleteOlderThan('2026-12-02')).toBe(1);
    await store.close();
  });
}
