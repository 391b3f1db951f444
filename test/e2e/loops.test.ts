import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuxotServe } from '../support/auxot-cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess } from '../support/worker-process.js';
import { ask } from './helpers/cascade-calls.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A plain forwarding proxy (what a load balancer or an internal gateway in between would be). */
async function startProxy(target: string): Promise<{ url: string; forwarded: number; close(): Promise<void> }> {
  const state = { forwarded: 0 };
  const origin = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    state.forwarded++;
    const upstream = httpRequest(
      { host: origin.hostname, port: origin.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: origin.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get forwarded() {
      return state.forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Auxot never calls itself in a loop', () => {
  it('does not add itself as a provider when the shell that starts it points Claude Code at it (the README lines)', async () => {
    const port = await freePort();
    const adminKey = 'axk_loop-readme-owner-key-5c1d9e3a7b2f8046';
    const serve = await startAuxotServe(['--data-dir', mkdtempSync(join(tmpdir(), 'auxot-loop-')), '--port', String(port)], {
      AUXOT_ADMIN_KEY: adminKey,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}/api/anthropic`,
      ANTHROPIC_API_KEY: adminKey,
    });
    try {
      expect(serve.output()).toMatch(/ANTHROPIC_BASE_URL \(http:\/\/127\.0\.0\.1:\d+\/api\/anthropic\) points at this Auxot server, so it was not added/);
      const providers = await fetch(`${serve.url}/api/admin/providers`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(((await providers.json()) as { data: unknown[] }).data).toEqual([]);
    } finally {
      await serve.stop();
    }
  }, 30_000);

  describe('on a running server', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(async () => server.close());

    it.each(['http://127.0.0.1:PORT/api/openai/v1', 'http://localhost:PORT/api/anthropic', 'http://0.0.0.0:PORT/v1'])('refuses a provider whose base URL is this server: %s', async (template) => {
      const baseUrl = template.replace('PORT', String(server.port));
      const kind = baseUrl.includes('anthropic') ? 'anthropic' : 'openai-compatible';
      const refused = await server.admin('POST', '/api/admin/providers', { name: 'myself', kind, baseUrl, models: ['m'] });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ param: 'baseUrl', message: expect.stringMatching(/is this Auxot server itself/) });
    });

    it('cuts a loop through a proxy it cannot see at the second hop, with a clear error and two records, not thousands', async () => {
      const proxy = await startProxy(server.url);
      try {
        await server.addProvider({ name: 'around', kind: 'openai-compatible', baseUrl: `${proxy.url}/api/openai/v1`, models: ['loop-model'] });
        const before = (await server.requestLog(500)).length;
        const answer = await ask(server, 'loop-model', 'go round');
        expect(answer.status).toBe(502);
        expect(answer.body.error.message).toMatch(/already passed through this Auxot deployment/);
        expect(proxy.forwarded).toBe(1);
        const records = (await server.requestLog(500)).slice(0, (await server.requestLog(500)).length - before);
        expect(records).toHaveLength(2);
        expect(records.map((record: { status: number }) => record.status).sort()).toEqual([502, 508]);
      } finally {
        await server.admin('DELETE', '/api/admin/providers/around');
        await proxy.close();
      }
    });

    it('cuts a loop through a GPU worker whose upstream is Auxot itself', async () => {
      await server.addProvider({ name: 'gpu', kind: 'gpu-worker', models: ['worker-model'] });
      const key = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'gpu', name: 'loopy' })).body.key as string;
      const worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', `${server.url}/api/openai/v1`, '--models', 'worker-model', '--slots', '1', '--name', 'loopy', '--upstream-key-env', 'AUXOT_UPSTREAM_KEY'], {
        AUXOT_WORKER_KEY: key,
        // The worker's upstream key: Auxot's own, as a careless operator would set it.
        AUXOT_UPSTREAM_KEY: server.adminKey,
      }, true);
      try {
        const before = (await server.requestLog(500)).length;
        const answer = await ask(server, 'worker-model', 'through the worker');
        expect(answer.status).toBeGreaterThanOrEqual(500);
        expect(JSON.stringify(answer.body)).toMatch(/already passed through this Auxot deployment/);
        expect((await server.requestLog(500)).length - before).toBe(2);
      } finally {
        await worker.stop();
      }
    }, 30_000);

    it('cuts a loop through a Claude Code worker whose ANTHROPIC_BASE_URL is Auxot itself', async () => {
      await server.addProvider({ name: 'cli', kind: 'cli-worker', models: ['cli-model'] });
      const key = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'cli', name: 'loopy-cli' })).body.key as string;
      const worker = await startWorkerProcess(
        ['cli', '--server', server.url, '--slots', '1', '--models', 'cli-model', '--work-dir', mkdtempSync(join(tmpdir(), 'auxot-loop-cli-')), '--name', 'loopy-cli'],
        { AUXOT_WORKER_KEY: key, ANTHROPIC_BASE_URL: `${server.url}/api/anthropic`, ANTHROPIC_API_KEY: server.adminKey, CLAUDE_CODE_MAX_RETRIES: '0' },
      );
      try {
        const before = (await server.requestLog(500)).length;
        const answer = await ask(server, 'cli-model', 'through Claude Code');
        expect(answer.status).toBeGreaterThanOrEqual(500);
        const records = (await server.requestLog(500)).slice(0, (await server.requestLog(500)).length - before);
        // The caller's request and Claude Code's one call back in, refused as a loop.
        expect(records.map((record: { status: number }) => record.status)).toContain(508);
        expect(records.length).toBeLessThanOrEqual(3);
      } finally {
        await worker.stop();
      }
    }, 60_000);
  });
});
