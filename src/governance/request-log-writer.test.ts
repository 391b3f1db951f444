import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestRecord as record } from '../store/test-support/request-record.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Principal } from './principal.js';
import { RequestLogWriter, type RequestLogStore } from './request-log-writer.js';

/** The real SQLite store behind a switch that makes writes fail, as a store outage would. */
async function switchableStore(): Promise<{ repository: RequestLogStore & { failing: boolean }; count(): Promise<number> }> {
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'auxot-log-')), 'auxot.db'));
  const repository = {
    failing: false,
    requestLog: store.requestLog,
    usage: store.usage,
    requestBodies: store.requestBodies,
    transaction: <T>(work: (tx: typeof store) => Promise<T>): Promise<T> => {
      if (repository.failing) return Promise.reject(new Error('disk I/O error'));
      return store.transaction(work);
    },
  };
  return { repository, count: async () => (await store.requestLog.list({ orgId: 'org_1', limit: 10_000 })).length };
}

/** Two turns of the event loop: long enough for a flush scheduled with setImmediate to have run. */
async function twoTurns(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The store, telling `onCommit` after each transaction it completes. */
function watched(repository: RequestLogStore, onCommit: () => void): RequestLogStore {
  return {
    requestLog: repository.requestLog,
    usage: repository.usage,
    requestBodies: repository.requestBodies,
    transaction: async (work) => {
      const result = await repository.transaction(work);
      onCommit();
      return result;
    },
  };
}

describe('RequestLogWriter', () => {
  it('writes every appended record, in small batches, off the caller', async () => {
    const { repository, count } = await switchableStore();
    const writer = new RequestLogWriter(repository, { flushIntervalMs: 60_000, maxBatch: 16 });
    for (let index = 0; index < 200; index++) writer.append(record(`req_${index}`, index));
    expect(await count()).toBe(0);
    await writer.flush();
    expect(await count()).toBe(200);
    await writer.close();
  });

  it('keeps records while the store fails and writes them once it recovers', async () => {
    const { repository, count } = await switchableStore();
    const errors: unknown[] = [];
    const writer = new RequestLogWriter(repository, { flushIntervalMs: 60_000, onError: (error) => errors.push(error) });
    repository.failing = true;
    writer.append(record('req_a', 1));
    writer.append(record('req_b', 2));
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(await count()).toBe(0);
    repository.failing = false;
    writer.append(record('req_c', 3));
    await writer.close();
    expect(await count()).toBe(3);
    expect(writer.dropped).toBe(0);
  });

  it('bounds its backlog during a long outage and counts what it had to drop', async () => {
    const { repository } = await switchableStore();
    repository.failing = true;
    const writer = new RequestLogWriter(repository, { flushIntervalMs: 60_000, maxBacklog: 5, onError: () => undefined });
    for (let index = 0; index < 8; index++) writer.append(record(`req_${index}`, index));
    expect(writer.dropped).toBe(3);
    repository.failing = false;
    await writer.close();
  });

  it('adds every batch to the daily usage roll-ups in the same transaction', async () => {
    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'auxot-log-')), 'auxot.db'));
    const writer = new RequestLogWriter(store, { flushIntervalMs: 60_000, maxBatch: 7 });
    const day = Date.UTC(2026, 11, 2, 10);
    for (let index = 0; index < 20; index++)
      writer.append({ ...record(`req_${index}`, day + index), status: index % 5 === 0 ? 502 : 200, totalMs: 100 + index });
    await writer.close();
    const [row] = await store.usage.query({ orgId: 'org_1', groupBy: ['day', 'provider'] });
    expect(row).toMatchObject({ day: '2026-12-02', providerId: 'prov_1', requests: 20, errors: 4, inputTokens: 20, outputTokens: 40 });
    expect(row?.durationBuckets.reduce((sum, count) => sum + count, 0)).toBe(20);
  });

  it('tells observers of every record as it is appended, and reports how it keeps up', async () => {
    const { repository } = await switchableStore();
    const seen: string[] = [];
    const writer = new RequestLogWriter(repository, {
      flushIntervalMs: 60_000,
      onError: () => undefined,
      observers: [(entry, principal) => seen.push(`${entry.id}:${principal?.keyName ?? '-'}`)],
    });
    writer.append(record('req_a', 1), { keyName: 'ci' } as Principal);
    writer.append(record('req_b', 2));
    expect(seen).toEqual(['req_a:ci', 'req_b:-']);
    repository.failing = true;
    await writer.flush();
    expect(writer.stats()).toEqual({ backlog: 2, dropped: 0, writeErrors: 1, written: 0, failing: 'disk I/O error' });
    repository.failing = false;
    await writer.flush();
    expect(writer.stats()).toEqual({ backlog: 0, dropped: 0, writeErrors: 1, written: 2, failing: undefined });
    await writer.close();
  });

  it('writes a full batch on the next turn instead of waiting for the timer', async () => {
    const { repository, count } = await switchableStore();
    let commits = 0;
    let committed: () => void = () => undefined;
    const firstCommit = new Promise<void>((resolve) => (committed = resolve));
    const writer = new RequestLogWriter(
      watched(repository, () => {
        commits++;
        committed();
      }),
      { flushIntervalMs: 60_000, maxBatch: 16 },
    );
    for (let index = 0; index < 15; index++) writer.append(record(`req_${index}`, index));
    await twoTurns();
    expect(commits).toBe(0);
    writer.append(record('req_15', 15));
    expect(commits).toBe(0);
    await firstCommit;
    expect(commits).toBe(1);
    expect(await count()).toBe(16);
    await writer.close();
  });

  it('leaves the records past the last full batch for the next batch or flush', async () => {
    const { repository, count } = await switchableStore();
    let committed: () => void = () => undefined;
    const firstCommit = new Promise<void>((resolve) => (committed = resolve));
    const writer = new RequestLogWriter(
      watched(repository, () => committed()),
      { flushIntervalMs: 60_000, maxBatch: 4 },
    );
    for (let index = 0; index < 6; index++) writer.append(record(`req_${index}`, index));
    await firstCommit;
    await twoTurns();
    expect(await count()).toBe(4);
    expect(writer.backlog).toBe(2);
    await writer.flush();
    expect(await count()).toBe(6);
    await writer.close();
  });

  it("leaves a failing store to the timer's back-off, however full the batch", async () => {
    const { repository, count } = await switchableStore();
    const errors: unknown[] = [];
    let failed: () => void = () => undefined;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const writer = new RequestLogWriter(repository, {
      flushIntervalMs: 60_000,
      maxBatch: 2,
      onError: (error) => {
        errors.push(error);
        failed();
      },
    });
    repository.failing = true;
    writer.append(record('req_a', 1));
    writer.append(record('req_b', 2));
    await firstFailure;
    writer.append(record('req_c', 3));
    writer.append(record('req_d', 4));
    await twoTurns();
    expect(errors).toHaveLength(1);
    repository.failing = false;
    await writer.close();
    expect(await count()).toBe(4);
  });
});
