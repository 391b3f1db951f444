import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAuxotServe, type ServeProcess } from '../support/auxot-cli.js';
import { startTestServer } from '../support/test-server.js';

const ADMIN_KEY = 'axk_hostile-input-owner-key-0123456789abcdefABCDEF';

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * One HTTP/1.1 exchange written byte for byte on a socket (Node's client refuses the paths a hostile
 * caller would send); resolves with the status line's code and the body once the server closes.
 */
function exchange(url: string, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (body !== undefined) lines.push(`content-length: ${body.length}`);
    const parts: Buffer[] = [];
    socket.on('data', (data: Buffer) => parts.push(data));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status?.[1] === undefined) {
        reject(new Error(`no HTTP answer to ${method} ${path}: ${JSON.stringify(text.slice(0, 100))}`));
        return;
      }
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split);
      resolve({ status: Number(status[1]), contentType: /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1], body: text.slice(split + 4) });
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (body === undefined) socket.end();
    else socket.end(body);
  });
}

async function alive(server: ServeProcess): Promise<boolean> {
  const response = await fetch(`${server.url}/healthz`);
  return response.status === 200 && server.child.exitCode === null;
}

/** Path segments a hostile caller would try: broken percent-encodings, traversal, control bytes, huge. */
const hostileSegment = fc.oneof(
  fc.constantFrom('%E0%A4%A', '%', '%%', '%zz', '%00', '..', '%2e%2e', '%2F', '%C0%AF', '%FF%FE', 'a%20b', '😀', '%F0%9F%98', 'x'.repeat(3000)),
  fc.string({ maxLength: 12 }).map((text) => encodeURIComponent(text)),
  fc.stringMatching(/^[A-Za-z0-9%._~-]{1,16}$/),
);

const hostileHeaders = fc.record(
  {
    authorization: fc.oneof(fc.constant(`Bearer ${ADMIN_KEY}`), fc.constant('Bearer'), fc.constant('Basic Zm9vOmJhcg=='), fc.string({ maxLength: 40 }).map((text) => `Bearer ${text.replace(/[^\x21-\x7e]/g, 'x')}`)),
    'x-api-key': fc.oneof(fc.constant(ADMIN_KEY), fc.stringMatching(/^[\x21-\x7e]{0,40}$/)),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', ''),
    'anthropic-version': fc.constantFrom('2023-06-01', 'garbage', ''),
    'anthropic-beta': fc.stringMatching(/^[\x21-\x7e]{0,30}$/),
    accept: fc.constantFrom('text/event-stream', '*/*', 'application/json'),
  },
  { requiredKeys: [] },
);

const jsonish = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('{', '[]', 'null', '"x"', '{"model":', '{"messages":[{"role":"user","content":[{"type":"image"}]}]}', '\u0000\u0001', '{"__proto__":{"x":1}}'),
  fc.record({
    model: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant('auto'), fc.constant(null)),
    messages: fc.oneof(fc.constant('hi'), fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'x'), content: fc.oneof(fc.string(), fc.integer(), fc.array(fc.json({ maxDepth: 2 }), { maxLength: 3 })) }), { maxLength: 3 })),
    max_tokens: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(-1)),
    stream: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
    tools: fc.oneof(fc.constant(undefined), fc.array(fc.json({ maxDepth: 3 }), { maxLength: 3 })),
    name: fc.string({ maxLength: 10 }),
    kind: fc.constantFrom('openai', 'anthropic', 'gpu-worker', 'nope'),
    baseUrl: fc.oneof(fc.webUrl(), fc.string({ maxLength: 10 })),
    candidates: fc.array(fc.record({ provider: fc.string({ maxLength: 6 }), model: fc.string({ maxLength: 6 }) }), { maxLength: 3 }),
  }).map((value) => JSON.stringify(value)),
);

const body = fc.oneof(fc.constant(undefined), jsonish.map((text) => Buffer.from(text)), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)));

describe('hostile input never ends the process', () => {
  let server: ServeProcess;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    // The route table, read from the real composition root.
    const listing = await startTestServer();
    routes = listing.running.routes();
    await listing.close();
    server = await startAuxotServe(['--data-dir', mkdtempSync(join(tmpdir(), 'auxot-hostile-'))], { AUXOT_ADMIN_KEY: ADMIN_KEY });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('answers a path parameter that is not valid percent-encoding with a 400, before authentication', async () => {
    const answer = await exchange(server.url, 'GET', '/api/admin/providers/%E0%A4%A', {}, undefined);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body).error.message).toMatch(/percent-encoding/);
    // Authenticated too, and on the other parameterized routes.
    for (const path of ['/api/admin/routes/%E0%A4%A', '/api/admin/keys/%', '/api/admin/requests/%zz']) {
      const again = await exchange(server.url, 'DELETE', path, { authorization: `Bearer ${ADMIN_KEY}` }, undefined);
      expect([400, 405]).toContain(again.status);
    }
    expect(await alive(server)).toBe(true);
  });

  it('survives random methods, paths, headers and bodies on every registered route, answering each', async () => {
    expect(routes.length).toBeGreaterThan(20);
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
    const routePath = fc.constantFrom(...routes).chain((route) =>
      fc
        .tuple(
          fc.array(hostileSegment, { minLength: 4, maxLength: 4 }),
          fc.oneof(fc.constant(''), fc.constant('/'), fc.constant('?limit=abc&before=%E0'), fc.string({ maxLength: 10 }).map((text) => `?${encodeURIComponent(text)}`)),
        )
        .map(([segments, suffix]) => {
          let next = 0;
          const path = route.path
            .split('/')
            .map((segment) => (segment.startsWith(':') ? (segments[next++ % segments.length] ?? 'x') : segment))
            .join('/');
          return { routeMethod: route.method, path: path + suffix };
        }),
    );
    await fc.assert(
      fc.asyncProperty(routePath, method, fc.boolean(), hostileHeaders, body, async (target, otherMethod, sameMethod, headers, payload) => {
        const chosen = sameMethod ? target.routeMethod : otherMethod;
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(headers)) if (value !== undefined && value !== '') sent[name] = value;
        const answer = await exchange(server.url, chosen, target.path, sent, chosen === 'GET' || chosen === 'HEAD' ? undefined : payload);
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(600);
        // Only an upstream could make a 5xx here, and no provider is configured: a 5xx would be a bug.
        expect(answer.status, `${chosen} ${target.path} → ${answer.status} ${answer.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
    expect(await alive(server)).toBe(true);
  }, 120_000);

  it('survives raw garbage on the socket, a request line it cannot parse, and headers it will not take', async () => {
    const raw = (bytes: string | Buffer): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
        let text = '';
        socket.on('data', (data) => (text += data.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
        socket.end(bytes);
      });
    expect(await raw('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(70_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/);
    expect(await raw(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00]))).toMatch(/^(HTTP\/1\.1 400|)/);
    expect(await raw('POST /api/openai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await alive(server)).toBe(true);
  });

  it('survives random WebSocket frames on the worker endpoint, closing each socket with a reason', async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom('{"type":"hello"}', '{"type":"hello","protocol":1,"key":"axw_x","name":"n","engine":"llama.cpp","models":[],"slots":1}', '{"type":"job-event","jobId":"x"}'),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
        const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
        socket.on('error', () => undefined);
        await new Promise<void>((resolve) => socket.once('open', () => resolve()));
        for (const data of frames) socket.send(data);
        expect([1002, 1007, 1009, 4001, 4002]).toContain(await closed);
      }),
      { numRuns: 60 },
    );
    expect(await alive(server)).toBe(true);
  }, 60_000);
});
