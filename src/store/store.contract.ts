import { expect, it } from 'vitest';
import type { ApiKeyRecord, ProviderRecord, RequestLogRecord, StoredResponseRecord } from './records.js';
import { runGovernanceStoreContract } from './governance-store.contract.js';
import { runSecretStoreContract } from './secret-store.contract.js';
import type { Store } from './store.js';

/**
 * The behaviour every Store implementation must have. The SQLite store runs it now; the PostgreSQL
 * store will run the same suite.
 */
export function runStoreContract(create: () => Promise<Store>): void {
  const org = { id: 'org_1', name: 'Org', createdAt: 1, settings: {} };

  const key = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
    id: 'key_1',
    orgId: org.id,
    name: 'ci',
    displayPrefix: 'axk_abc…',
    hash: 'h1',
    role: 'member',
    serviceClass: 'batch',
    createdAt: 10,
    expiresAt: null,
    revokedAt: null,
    userId: null,
    serviceAccountId: null,
    teamId: null,
    policy: null,
    lastUsedAt: null,
    bootstrap: false,
    ...overrides,
  });

  const provider = (overrides: Partial<ProviderRecord> = {}): ProviderRecord => ({
    id: 'prov_1',
    orgId: org.id,
    name: 'openai',
    kind: 'openai',
    tier: 'cloud',
    baseUrl: 'https://api.openai.com/v1',
    models: ['gpt-*'],
    sealedApiKey: 'sealed',
    settings: { maxConcurrency: 4 },
    enabled: true,
    createdAt: 5,
    updatedAt: 5,
    ...overrides,
  });

  runGovernanceStoreContract(create);
  runSecretStoreContract(create);

  it('keeps the organization and finds api keys by hash and id, and revokes them once', async () => {
    const store = await create();
    await store.organizations.insert(org);
    expect(await store.organizations.first()).toEqual(org);
    await store.apiKeys.insert(key());
    expect(await store.apiKeys.findByHash('h1')).toEqual(key());
    expect(await store.apiKeys.findById('key_1')).toEqual(key());
    expect(await store.apiKeys.findByHash('missing')).toBeUndefined();
    expect(await store.apiKeys.revoke('key_1', 99)).toBe(true);
    expect(await store.apiKeys.revoke('key_1', 100)).toBe(false);
    expect((await store.apiKeys.findById('key_1'))?.revokedAt).toBe(99);
    expect((await store.apiKeys.list(org.id)).map((record) => record.id)).toEqual(['key_1']);
    await store.close();
  });

  it('stores providers with their settings, updates and deletes them, and keeps names unique per org', async () => {
    const store = await create();
    await store.organizations.insert(org);
    await store.providers.insert(provider());
    expect(await store.providers.findByName(org.id, 'openai')).toEqual(provider());
    await expect(store.providers.insert(provider({ id: 'prov_2' }))).rejects.toThrow();
    await store.providers.update(provider({ models: ['gpt-4.1'], enabled: false, updatedAt: 6 }));
    expect(await store.providers.findById('prov_1')).toEqual(provider({ models: ['gpt-4.1'], enabled: false, updatedAt: 6 }));
    expect(await store.providers.delete('prov_1')).toBe(true);
    expect(await store.providers.list(org.id)).toEqual([]);
    await store.close();
  });

  it('upserts routes by name and drops worker keys with their provider', async () => {
    const store = await create();
    await store.organizations.insert(org);
    await store.providers.insert(provider({ id: 'prov_gpu', name: 'gpu', kind: 'gpu-worker', tier: 'gpu', baseUrl: null }));
    const route = { id: 'route_1', orgId: org.id, name: 'auto', candidates: [{ provider: 'gpu', model: 'llama' }], createdAt: 1, updatedAt: 1 };
    await store.routes.upsert(route);
    await store.routes.upsert({ ...route, id: 'route_ignored', candidates: [{ provider: 'gpu', model: 'qwen' }], updatedAt: 2 });
    expect(await store.routes.findByName(org.id, 'auto')).toEqual({ ...route, candidates: [{ provider: 'gpu', model: 'qwen' }], updatedAt: 2 });
    await store.workerKeys.insert({ id: 'wkey_1', providerId: 'prov_gpu', name: 'rack', displayPrefix: 'axw_…', hash: 'wh', createdAt: 1, revokedAt: null });
    expect((await store.workerKeys.findByHash('wh'))?.providerId).toBe('prov_gpu');
    await store.providers.delete('prov_gpu');
    expect(await store.workerKeys.findByHash('wh')).toBeUndefined();
    expect(await store.routes.delete(org.id, 'auto')).toBe(true);
    await store.close();
  });

  it('writes request records in batches and lists them newest first with pagination', async () => {
    const store = await create();
    const record = (id: string, startedAt: number): RequestLogRecord => ({ ...sampleRecord(org.id), id, startedAt });
    await store.requestLog.insertMany([record('req_a', 1), record('req_b', 2), record('req_c', 3)]);
    expect(await store.requestLog.findById(org.id, 'req_b')).toEqual(record('req_b', 2));
    expect(await store.requestLog.findById('org_other', 'req_b')).toBeUndefined();
    expect((await store.requestLog.list({ orgId: org.id, limit: 2 })).map((entry) => entry.id)).toEqual(['req_c', 'req_b']);
    expect((await store.requestLog.list({ orgId: org.id, limit: 5, before: 'req_b' })).map((entry) => entry.id)).toEqual(['req_a']);
    expect(await store.requestLog.list({ orgId: 'org_other', limit: 5 })).toEqual([]);
    // A large batch (several multi-row statements plus a remainder) keeps every record, intact.
    const many = Array.from({ length: 70 }, (_, index) => record(`req_bulk_${String(index).padStart(2, '0')}`, 100 + index));
    await store.requestLog.insertMany(many);
    const listed = await store.requestLog.list({ orgId: org.id, limit: 500 });
    expect(listed).toHaveLength(73);
    expect(listed.slice(0, 70)).toEqual([...many].reverse());
    await store.close();
  });

  it('keeps stored responses per key, deletes them, and prunes beyond the newest and past the age limit', async () => {
    const store = await create();
    const stored = (id: string, keyId: string, createdAt: number): StoredResponseRecord => ({
      id,
      orgId: org.id,
      keyId,
      model: 'gpt-x',
      createdAt,
      input: [{ role: 'user', content: `question ${id}` }],
      response: { id, object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: `answer ${id}` }] }] },
    });
    for (const [index, id] of ['resp_a', 'resp_b', 'resp_c', 'resp_d'].entries()) await store.responses.insert(stored(id, 'key_1', 10 + index));
    await store.responses.insert(stored('resp_other', 'key_2', 5));
    expect(await store.responses.findById('key_1', 'resp_b')).toEqual(stored('resp_b', 'key_1', 11));
    expect(await store.responses.findById('key_2', 'resp_b')).toBeUndefined();
    expect(await store.responses.delete('key_2', 'resp_b')).toBe(false);
    expect(await store.responses.delete('key_1', 'resp_b')).toBe(true);
    expect(await store.responses.findById('key_1', 'resp_b')).toBeUndefined();
    // resp_a, resp_c, resp_d remain: keep the newest two, and nothing created before 12.
    expect(await store.responses.prune('key_1', 2, 12)).toBe(1);
    expect(await store.responses.findById('key_1', 'resp_a')).toBeUndefined();
    expect((await store.responses.findById('key_1', 'resp_d'))?.response).toEqual(stored('resp_d', 'key_1', 13).response);
    expect(await store.responses.prune('key_1', 1, 0)).toBe(1);
    expect(await store.responses.findById('key_1', 'resp_c')).toBeUndefined();
    expect(await store.responses.findById('key_2', 'resp_other')).toBeDefined();
    await store.close();
  });

  it('pages through records that share a millisecond without skipping or repeating any', async () => {
    const store = await create();
    const at = (id: string, startedAt: number): RequestLogRecord => ({ ...sampleRecord(org.id), id, startedAt });
    // 66 records in three milliseconds, ids in no particular order.
    const records = Array.from({ length: 66 }, (_, index) => at(`req_${((index * 37) % 66).toString(36).padStart(2, '0')}_${index}`, 1_000 + (index % 3)));
    await store.requestLog.insertMany(records);
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 20; page++) {
      const batch = await store.requestLog.list({ orgId: org.id, limit: 5, ...(before === undefined ? {} : { before }) });
      if (batch.length === 0) break;
      seen.push(...batch.map((record) => record.id));
      before = batch.at(-1)?.id;
    }
    expect(seen).toHaveLength(66);
    expect(new Set(seen).size).toBe(66);
    const times = seen.map((id) => records.find((record) => record.id === id)?.startedAt ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await store.close();
  });
}

/** A request record with every field set; tests override id, time and whatever they examine. */
export function sampleRecord(orgId: string): RequestLogRecord {
  return {
    id: 'req_sample',
    orgId,
    keyId: 'key_1',
    surface: 'openai-chat',
    modelRequested: 'auto',
    route: 'auto',
    providerId: 'prov_1',
    providerModel: 'gpt-4.1',
    tier: 'cloud',
    workerId: null,
    stream: true,
    status: 200,
    errorCode: null,
    errorMessage: null,
    finishReason: 'stop',
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 2,
    cacheWriteTokens: 1,
    reasoningTokens: 0,
    costUsd: 0.001,
    startedAt: 0,
    queueMs: 0.5,
    firstByteMs: 12.5,
    totalMs: 40.25,
    clientAborted: false,
    decision: [{ provider: 'gpu', model: 'llama', tier: 'gpu', outcome: 'skipped', reason: 'saturated' }],
    teamId: null,
    userId: null,
    serviceAccountId: null,
    agentId: null,
    policyDecisions: [],
  };
}
