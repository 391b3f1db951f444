import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuxotServe, type ServeProcess } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../support/mock-upstreams/index.js';

const ADMIN_KEY = 'axk_records-load-owner-key-3b8e1f0a6c9d2e5f71';
const USAGE = { input: 7, output: 3 };

type Kind = 'whole' | 'stream' | 'failing' | 'abandoned';
interface Outcome {
  kind: Kind;
  id: string | null;
  /** The caller received its whole answer (an error body counts). */
  complete: boolean;
}

/** Prompts say what the mock does with them: answer, fail, or stream slowly for a caller who leaves. */
function scenarioFor(request: RecordedRequest): Scenario {
  const text = JSON.stringify(request.body);
  if (text.includes('FAIL')) return { kind: 'status', status: 500 };
  if (text.includes('LEAVE')) return { kind: 'turn', turn: { text: 'a long answer nobody waits for', fragmentChars: 1, delayMs: 20, usage: USAGE } };
  return { kind: 'turn', turn: { text: 'ok', usage: USAGE } };
}

function kindOf(index: number): Kind {
  if (index % 10 === 3) return 'failing';
  if (index % 25 === 7) return 'abandoned';
  return index % 2 === 0 ? 'stream' : 'whole';
}

async function call(url: string, kind: Kind, index: number): Promise<Outcome> {
  const controller = new AbortController();
  try {
    const response = await fetch(`${url}/api/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'load-model',
        stream: kind === 'stream' || kind === 'abandoned',
        messages: [{ role: 'user', content: `${kind === 'failing' ? 'FAIL' : kind === 'abandoned' ? 'LEAVE' : 'go'} ${index}` }],
      }),
      signal: controller.signal,
    });
    const id = response.headers.get('x-request-id');
    if (kind === 'abandoned') {
      await (response.body as ReadableStream<Uint8Array>).getReader().read();
      controller.abort();
      return { kind, id, complete: false };
    }
    await response.text();
    return { kind, id, complete: true };
  } catch {
    return { kind, id: null, complete: false };
  }
}

/** Runs `total` requests, `concurrency` at a time; `onProgress` sees each finished count. */
async function load(url: string, total: number, concurrency: number, onProgress: (done: number) => void = () => undefined): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        outcomes.push(await call(url, kindOf(index), index));
        onProgress(outcomes.length);
      }
    }),
  );
  return outcomes;
}

async function exportedRecords(url: string): Promise<Array<{ id: string; status: number; inputTokens: number; outputTokens: number }>> {
  const response = await fetch(`${url}/api/admin/requests/export?format=jsonl`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('every request leaves exactly one record, under load and across a SIGTERM', () => {
  let upstream: MockUpstream;
  let dataDir: string;
  let server: ServeProcess;
  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    upstream.setHandler(scenarioFor);
    dataDir = mkdtempSync(join(tmpdir(), 'auxot-records-'));
    server = await startAuxotServe(['--data-dir', dataDir], { AUXOT_ADMIN_KEY: ADMIN_KEY, AUXOT_BREAKER_FAILURES: '1000000' });
    const added = await fetch(`${server.url}/api/admin/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'load', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['load-model'] }),
    });
    expect(added.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it('keeps exactly N records for N = 5,000 mixed requests, with the right token counts', async () => {
    const outcomes = await load(server.url, 5_000, 32);
    const ids = outcomes.map((outcome) => outcome.id);
    expect(ids.every((id) => id !== null)).toBe(true);
    // An abandoned stream's record is written once the server has seen the caller go and stopped
    // the upstream, which can come after the last caller is done: wait for it, do not race it.
    await expect.poll(async () => (await exportedRecords(server.url)).length, { timeout: 20_000 }).toBe(5_000);
    const records = await exportedRecords(server.url);
    expect(records).toHaveLength(5_000);
    const byId = new Map(records.map((record) => [record.id, record]));
    expect(byId.size).toBe(5_000);
    for (const outcome of outcomes) {
      const record = byId.get(outcome.id ?? '');
      expect(record, outcome.id ?? '').toBeDefined();
      if (outcome.kind === 'whole' || outcome.kind === 'stream') expect(record).toMatchObject({ status: 200, inputTokens: USAGE.input, outputTokens: USAGE.output });
      if (outcome.kind === 'failing') expect(record).toMatchObject({ status: 502, outputTokens: 0 });
      // A caller that left mid-stream is recorded as such (nginx's 499).
      if (outcome.kind === 'abandoned') expect(record).toMatchObject({ status: 499 });
    }
    const usage = await fetch(`${server.url}/api/admin/usage?groupBy=day`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const [row] = ((await usage.json()) as { data: Array<{ requests: number; errors: number; tokens: { output: number } }> }).data;
    const answered = outcomes.filter((outcome) => outcome.kind === 'whole' || outcome.kind === 'stream').length;
    const unanswered = outcomes.filter((outcome) => outcome.kind === 'failing' || outcome.kind === 'abandoned').length;
    expect(row).toMatchObject({ requests: 5_000, errors: unanswered });
    expect(row?.tokens.output).toBe(answered * USAGE.output);
    const csv = await (await fetch(`${server.url}/api/admin/requests/export?format=csv&status=error`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id,orgId,keyId,surface,/);
    expect(lines).toHaveLength(unanswered + 1);
  }, 180_000);

  it('loses none of the records of requests that completed when SIGTERM came in the middle of a run', async () => {
    const before = (await exportedRecords(server.url)).length;
    let stopping: Promise<number | null> | undefined;
    const outcomes = await load(server.url, 3_000, 32, (done) => {
      if (done === 800) stopping = server.stop();
    });
    expect(await stopping).toBe(0);
    const completed = outcomes.filter((outcome) => outcome.complete && outcome.id !== null);
    expect(completed.length).toBeGreaterThan(600);
    // Back up on the same store: every request a caller saw through to its end has its record.
    server = await startAuxotServe(['--data-dir', dataDir], { AUXOT_ADMIN_KEY: ADMIN_KEY });
    const records = new Map((await exportedRecords(server.url)).map((record) => [record.id, record]));
    const missing = completed.filter((outcome) => !records.has(outcome.id ?? ''));
    expect(missing).toEqual([]);
    for (const outcome of completed.filter((entry) => entry.kind === 'whole' || entry.kind === 'stream')) {
      expect(records.get(outcome.id ?? '')).toMatchObject({ status: 200, outputTokens: USAGE.output });
    }
    expect(records.size).toBeGreaterThanOrEqual(before + completed.length);
  }, 180_000);
});
