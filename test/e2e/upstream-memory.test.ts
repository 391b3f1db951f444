import { createServer, type Server } from 'node:http';
import { readFileSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuxotServe, type ServeProcess } from '../support/auxot-cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { WHOLE_TRANSLATED_MAX_TOKENS } from '../../src/providers/http/http-provider.js';
import { CHAT_PATHS, rawRequest } from './helpers/raw-http.js';

const ADMIN_KEY = 'axk_memory-bound-owner-key-0123456789abcdefABCDEF';

/** An upstream that starts one `data:` line and never ends it: 64 KB every 10 ms, until the client leaves. */
async function startEndlessLineUpstream(): Promise<{ url: string; opened: number; closed: number; close(): Promise<void> }> {
  const state = { opened: 0, closed: 0 };
  const piece = 'a'.repeat(64 * 1024);
  const server: Server = createServer((request, response) => {
    request.resume();
    state.opened++;
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"id":"x","choices":[{"index":0,"delta":{"content":"');
    const timer = setInterval(() => response.write(piece), 10);
    response.once('close', () => {
      clearInterval(timer);
      state.closed++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get opened() {
      return state.opened;
    },
    get closed() {
      return state.closed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function rssMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

describe('what one request may hold of an upstream answer is bounded', () => {
  let upstream: Awaited<ReturnType<typeof startEndlessLineUpstream>>;
  let server: ServeProcess;
  beforeAll(async () => {
    upstream = await startEndlessLineUpstream();
    server = await startAuxotServe(['--data-dir', mkdtempSync(join(tmpdir(), 'auxot-memory-'))], { AUXOT_ADMIN_KEY: ADMIN_KEY });
    const added = await fetch(`${server.url}/api/admin/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'endless', kind: 'openai-compatible', baseUrl: upstream.url, models: ['endless-model'] }),
    });
    expect(added.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it('cuts six never-ending data lines at the event bound, answers each caller with an error, and keeps RSS bounded', async () => {
    const pid = server.child.pid ?? 0;
    const before = rssMegabytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMegabytes(pid))), 20);
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const response = await fetch(`${server.url}/api/openai/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'endless-model', stream: true, messages: [{ role: 'user', content: 'go' }] }),
        });
        return { status: response.status, body: (await response.json()) as { error: { message: string } } };
      }),
    );
    clearInterval(sampler);
    for (const answer of answers) {
      expect(answer.status).toBe(502);
      expect(answer.body.error.message).toMatch(/larger than 4194304 bytes/);
    }
    // Every upstream request was aborted, none left streaming into the void.
    await expect.poll(() => upstream.closed, { timeout: 5_000 }).toBe(6);
    const after = rssMegabytes(pid);
    console.log(`RSS: ${before.toFixed(1)} MB before, ${peak.toFixed(1)} MB peak with six endless lines, ${after.toFixed(1)} MB after`);
    expect(peak).toBeLessThan(250);
    expect(after).toBeLessThan(200);
  }, 60_000);
});

describe('a non-streaming answer is bounded too', () => {
  let upstream: MockUpstream;
  let gateway: TestServer;
  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    gateway = await startTestServer({ AUXOT_MAX_ANSWER_BYTES: '100000' });
    await gateway.addProvider({ name: 'big', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['big-model'] });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('refuses a translated answer collected past the bound and aborts the upstream stream', async () => {
    upstream.enqueue({ kind: 'turn', turn: { text: 'x'.repeat(300_000), fragmentChars: 1000, delayMs: 2 } });
    // A budget above the whole-body bound: the upstream streams and Auxot collects.
    const body = { model: 'big-model', max_tokens: WHOLE_TRANSLATED_MAX_TOKENS + 1, messages: [{ role: 'user', content: 'long' }] };
    const response = await rawRequest(gateway, CHAT_PATHS.anthropic, { body });
    expect(response.status).toBe(502);
    expect(response.json.error.message).toMatch(/exceeds the 100000-byte limit/);
    const sent = upstream.requests.at(-1);
    if (sent === undefined) throw new Error('no upstream request');
    await upstream.waitForAbort(sent);
  });

  it('refuses a whole upstream body past the bound (translated, small budget)', async () => {
    upstream.enqueue({ kind: 'turn', turn: { text: 'z'.repeat(300_000) } });
    const response = await rawRequest(gateway, CHAT_PATHS.anthropic, {
      body: { model: 'big-model', max_tokens: 100, messages: [{ role: 'user', content: 'long' }] },
    });
    expect(upstream.requests.at(-1)?.body).toMatchObject({ stream: false });
    expect(response.status).toBe(502);
    expect(response.json.error).toMatchObject({ type: 'api_error', message: expect.stringMatching(/larger than 100000 bytes/) as string });
  });

  it('refuses a whole upstream body past the bound (same-dialect passthrough)', async () => {
    upstream.enqueue({ kind: 'turn', turn: { text: 'y'.repeat(300_000) } });
    const response = await rawRequest(gateway, CHAT_PATHS.openai, { body: { model: 'big-model', messages: [{ role: 'user', content: 'long' }] } });
    expect(response.status).toBe(502);
    expect(response.json.error.message).toMatch(/larger than 100000 bytes/);
  });
});
