import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, WORKER_PROTOCOL_VERSION } from '../../src/workers/protocol/messages.js';
import { startAuxotServe, type ServeProcess } from '../support/auxot-cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface Closed {
  code: number;
  reason: string;
  messages: unknown[];
}

/** Opens a raw socket to /ws, sends frames, and reports how the server closed it. */
function converse(url: string, frames: Array<string | Buffer>, options: { waitMs?: number } = {}): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    const messages: unknown[] = [];
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`the server kept the socket open; got ${JSON.stringify(messages)}`));
    }, options.waitMs ?? 5_000);
    socket.on('open', () => {
      for (const frame of frames) socket.send(frame);
    });
    socket.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8'))));
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), messages });
    });
    socket.on('error', () => undefined);
  });
}

describe('worker protocol: untrusted frames', () => {
  let server: TestServer;
  let workerKey: string;
  const hello = (key: string): string =>
    JSON.stringify({ type: 'hello', protocol: WORKER_PROTOCOL_VERSION, key, name: 'probe', engine: 'openai-compatible', models: ['m'], slots: 1 });

  beforeAll(async () => {
    server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '200' });
    await server.addProvider({ name: 'gpu', kind: 'gpu-worker', models: ['m'] });
    workerKey = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'gpu', name: 'probe' })).body.key;
  });
  afterAll(() => server.close());

  it('closes a socket whose first frame is not a hello, or not JSON', async () => {
    expect(await converse(server.url, ['{"type":"heartbeat","inFlight":0}'])).toMatchObject({ code: CLOSE_CODES.unauthorized, reason: /first message must be a valid hello/ });
    expect(await converse(server.url, ['not json'])).toMatchObject({ code: CLOSE_CODES.unauthorized });
  });

  it('closes a socket that presents a wrong or revoked key, or a caller key', async () => {
    expect(await converse(server.url, [hello('axw_wrong')])).toMatchObject({ code: CLOSE_CODES.unauthorized, reason: 'invalid worker key' });
    expect(await converse(server.url, [hello(server.adminKey)])).toMatchObject({ code: CLOSE_CODES.unauthorized });
    const revoked = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'gpu', name: 'old' })).body;
    expect((await server.admin('DELETE', `/api/admin/worker-keys/${revoked.workerKey.id}`)).status).toBe(204);
    expect(await converse(server.url, [hello(revoked.key)])).toMatchObject({ code: CLOSE_CODES.unauthorized });
  });

  it('drops a connection that never says hello', async () => {
    const started = performance.now();
    const closed = await converse(server.url, [], { waitMs: 15_000 });
    expect(closed).toMatchObject({ code: CLOSE_CODES.unauthorized, reason: 'no hello received' });
    expect(performance.now() - started).toBeGreaterThan(500);
  }, 20_000);

  it('refuses an oversized frame without reading it all', async () => {
    const closed = await converse(server.url, [Buffer.alloc(2 * 1024 * 1024, 0x61)]);
    expect(closed.code).toBe(1009);
  });

  it('acknowledges a good hello, then closes on a malformed frame with the reason', async () => {
    const closed = await converse(server.url, [hello(workerKey), JSON.stringify({ type: 'job-event', jobId: 'job_x', event: { type: 'text-delta' } })]);
    expect(closed.messages[0]).toMatchObject({ type: 'hello-ack', provider: { name: 'gpu', tier: 'gpu' }, policy: { models: ['m'] }, heartbeatIntervalMs: 200 });
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(closed.reason).toMatch(/event/);
  });

  it('drops a worker that stops sending heartbeats, and the server keeps serving', async () => {
    const closed = await converse(server.url, [hello(workerKey)], { waitMs: 5_000 });
    expect(closed).toMatchObject({ code: CLOSE_CODES.heartbeatTimeout, reason: 'missed heartbeats' });
    expect((await server.admin('GET', '/api/admin/workers')).body.data).toEqual([]);
  });

  it('answers a plain HTTP request on another upgrade path with 404', async () => {
    const response = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/not-ws`);
      socket.on('unexpected-response', (_request, answer) => resolve(answer.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    expect(response).toBe(404);
  });
});

describe('worker protocol: closing cleanly', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startAuxotServe(['--data-dir', mkdtempSync(join(tmpdir(), 'auxot-ws-close-'))], { AUXOT_ADMIN_KEY: 'axk_ws-close-owner-key-8d3f1a6c9e2b5074' });
  }, 30_000);
  afterAll(async () => {
    await serve?.stop();
  });

  it('tells a busy sender of an oversized first frame why (1009), never with a reset that loses the reason', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        new Promise<{ code: number; error?: string }>((resolve) => {
          const socket = new WebSocket(`${serve.url.replace('http', 'ws')}/ws`);
          let error: string | undefined;
          socket.on('open', () => {
            socket.send(Buffer.alloc(8 * 1024 * 1024, 0x62));
            // A loaded client: it reads its socket only later, when the server has long decided.
            const until = performance.now() + 300;
            while (performance.now() < until);
          });
          socket.on('error', (failure: NodeJS.ErrnoException) => (error = failure.code ?? failure.message));
          socket.on('close', (code) => resolve({ code, ...(error === undefined ? {} : { error }) }));
        }),
      ),
    );
    expect(outcomes).toEqual(outcomes.map(() => ({ code: 1009 })));
  }, 30_000);
});
