import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ask } from './helpers/cascade-calls.js';
import { Org } from './helpers/governance.js';

/** The most requests the upstream itself had open at once, from the times it recorded. */
function maxOpen(requests: readonly RecordedRequest[]): number {
  const edges: Array<[number, number]> = [];
  for (const request of requests) {
    edges.push([request.receivedAt, 1]);
    edges.push([request.completedAt ?? request.abortedAt ?? Number.POSITIVE_INFINITY, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

describe('governance: concurrency caps and fair queueing', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let org: Org;
  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer({ AUXOT_QUEUE_BATCH_AGING_MS: '300', AUXOT_QUEUE_MAX_WAIT_MS: '20000' });
    org = new Org(server);
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('never lets the upstream see more than the cap of 4 open, with callers hanging up midway, and always gives the slots back', async () => {
    await server.addProvider({ name: 'capped', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['slow-stream'] });
    upstream.setHandler(() => ({ kind: 'turn', turn: { text: 'a slow answer in many small pieces', fragmentChars: 2, delayMs: 15 } }));
    await org.team('capped-team');
    await org.policy('capped-team', { concurrency: 4 });
    const { key } = await org.personWithKey('cap', 'capped-team');
    const before = upstream.requests.length;
    let refusals = 0;
    const caller = async (index: number): Promise<'done' | 'hung-up'> => {
      for (;;) {
        const controller = new AbortController();
        const response = await fetch(`${server.url}/api/openai/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'slow-stream', stream: true, messages: [{ role: 'user', content: `caller ${index}` }] }),
          signal: controller.signal,
        });
        if (response.status === 429) {
          refusals++;
          await response.text();
          // The refusal's own Retry-After is the protocol: wait as long as it says.
          await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after-ms') ?? 1000)));
          continue;
        }
        expect(response.status).toBe(200);
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        if (index % 4 === 0) {
          await reader.read();
          controller.abort();
          return 'hung-up';
        }
        while (!(await reader.read()).done);
        return 'done';
      }
    };
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => caller(index)));
    expect(outcomes.filter((outcome) => outcome === 'done')).toHaveLength(15);
    expect(refusals).toBeGreaterThan(0);
    const served = upstream.requests.slice(before);
    expect(served).toHaveLength(20);
    // Hung-up streams are aborted at the upstream too; then every slot is free again.
    await Promise.all(served.filter((request) => request.completedAt === undefined).map((request) => upstream.waitForAbort(request)));
    expect(maxOpen(served)).toBeLessThanOrEqual(4);
    const again = await Promise.all(Array.from({ length: 4 }, (_, index) => ask(server, 'slow-stream', `after ${index}`, { key })));
    expect(again.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
  }, 60_000);

  it('serves batch requests while interactive traffic keeps the only slot busy', async () => {
    await server.addProvider({ name: 'single', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['one-slot'], settings: { maxConcurrency: 1 } });
    upstream.setHandler(() => ({ kind: 'turn', turn: { text: 'x', delayMs: 20 } }));
    await org.team('chatty');
    await org.team('nightly');
    await org.policy('nightly', { serviceClass: 'batch' });
    const interactive = (await org.personWithKey('chatter', 'chatty')).key;
    const batch = (await org.personWithKey('batcher', 'nightly')).key;
    let stop = false;
    // Four interactive callers that never pause: by strict priority, batch would never get the slot.
    const load = Array.from({ length: 4 }, async () => {
      let served = 0;
      while (!stop) if ((await ask(server, 'one-slot', 'again', { key: interactive })).status === 200) served++;
      return served;
    });
    const batchAnswers = await Promise.all(Array.from({ length: 3 }, (_, index) => ask(server, 'one-slot', `report ${index}`, { key: batch })));
    stop = true;
    const interactiveServed = (await Promise.all(load)).reduce((sum, count) => sum + count, 0);
    expect(batchAnswers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(interactiveServed).toBeGreaterThan(3);
    const records = (await server.requestLog(500)).filter((record: { teamId: string; status: number }) => record.status === 200);
    expect(records.some((record: { queueMs: number }) => record.queueMs > 0)).toBe(true);
  }, 60_000);
});
