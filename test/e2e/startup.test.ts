import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUXOT_MAIN, childEnv, freePort, logEntries, runAuxotAsync, startAuxotServe } from '../support/auxot-cli.js';
import { spawn } from 'node:child_process';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startWorkerProcess } from '../support/worker-process.js';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'auxot-startup-'));

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).toMatch(pattern);
}

describe('start-up report', () => {
  it('names every surface, the store and what is configured; without providers, the command that adds one', async () => {
    const dir = dataDir();
    const server = await startAuxotServe(['--data-dir', dir], { AUXOT_ADMIN_KEY: 'axk_startup-owner-key-4e9a1c7f3b2d8e6015' });
    try {
      const logs = server.logs();
      const port = new URL(server.url).port;
      const line = (msg: string) => logs.find((entry) => entry.msg === msg);
      expect(line('auxot started')).toMatchObject({ level: 'info', version: '0.1.0' });
      expect(line('OpenAI-compatible API')?.urls).toEqual([`http://127.0.0.1:${port}/api/openai/v1`]);
      expect(line('Anthropic API')?.urls).toEqual([`http://127.0.0.1:${port}/api/anthropic`]);
      expect(line('admin API')?.urls).toEqual([`http://127.0.0.1:${port}/api/admin`]);
      expect(line('worker endpoint')?.urls).toEqual([`ws://127.0.0.1:${port}/ws`]);
      expect(line('store')).toMatchObject({ engine: 'sqlite', path: join(dir, 'auxot.db') });
      expect(line('providers configured')).toMatchObject({ count: 0, names: [], workerProviders: 0, workerKeys: 0 });
      expect(line('nothing can serve model "auto" yet: add a provider')).toMatchObject({
        level: 'warn',
        fix: 'auxot providers add openai --kind openai --api-key-env OPENAI_API_KEY',
      });
      // JSON lines, since stderr is not a terminal here: every line parses.
      const stderrLines = server.output().split('\n').filter((text) => text.startsWith('{'));
      expect(stderrLines.length).toBe(logs.length);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it('--log-level warn leaves out the info lines; --log-format pretty writes readable lines', async () => {
    const child = spawn(process.execPath, [AUXOT_MAIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir(), '--log-level', 'warn', '--log-format', 'pretty'], {
      env: childEnv({ AUXOT_ADMIN_KEY: 'axk_startup-owner-key-4e9a1c7f3b2d8e6015' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (data: Buffer) => {
        output += data.toString();
        if (output.includes('\n')) resolve();
      });
      void exited.then((code) => reject(new Error(`serve exited (${code}): ${output}`)));
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}nothing can serve model "auto" yet: add a provider {2}fix="auxot providers add openai --kind openai --api-key-env OPENAI_API_KEY"/);
    expect(output).not.toMatch(/INFO|"level"/);
  }, 60_000);
});

describe('start-up failures: one clear line each', () => {
  it('a port in use', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const result = await runAuxotAsync(['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir()], {});
      expect(result.status).toBe(1);
      expectOneLine(result.stderr, new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is already in use .*--port / AUXOT_PORT\\n$`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('an unusable data directory', async () => {
    const file = join(dataDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const result = await runAuxotAsync(['serve', '--host', '127.0.0.1', '--port', '0'], { AUXOT_DATA_DIR: join(file, 'data') });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^error: cannot use the data directory .*a-file\/data \(--data-dir \/ AUXOT_DATA_DIR\): a part of the path is a file, not a directory; /);
  });

  it('a malformed AUXOT_MASTER_KEY, and a master key that does not open the stored secrets', async () => {
    const malformed = await runAuxotAsync(['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir()], { AUXOT_MASTER_KEY: 'not-a-key' });
    expect(malformed.status).toBe(1);
    expectOneLine(malformed.stderr, /^error: AUXOT_MASTER_KEY must hold a 32-byte key, base64 or hex; make one with: openssl rand -base64 32\n$/);

    const dir = dataDir();
    const first = await startAuxotServe(['--data-dir', dir], {
      AUXOT_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
      AUXOT_ADMIN_KEY: 'axk_startup-owner-key-4e9a1c7f3b2d8e6015',
      OPENAI_API_KEY: 'sk-sealed-in-the-store',
      OPENAI_BASE_URL: `http://127.0.0.1:${await freePort()}/v1`,
    });
    expect(await first.stop()).toBe(0);
    const wrong = await runAuxotAsync(['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir], { AUXOT_MASTER_KEY: Buffer.alloc(32, 2).toString('hex') });
    expect(wrong.status).toBe(1);
    expectOneLine(wrong.stderr, /^error: AUXOT_MASTER_KEY does not open the provider secrets stored in .*auxot\.db: set AUXOT_MASTER_KEY to the key this data directory was created with/);
    const noKeyAtAll = await runAuxotAsync(['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir], {});
    expectOneLine(noKeyAtAll.stderr, /^error: the key file .*master\.key does not open the provider secrets/);
  }, 60_000);

  it('configuration errors name the variable or the flag', async () => {
    const fromEnv = await runAuxotAsync(['serve'], { AUXOT_PORT: 'abc', AUXOT_QUEUE_MAX_WAITING: '-1' });
    expect(fromEnv.status).toBe(2);
    expect(fromEnv.stderr).toContain('AUXOT_PORT must be a port number from 0 to 65535 (got "abc")');
    expect(fromEnv.stderr).toContain('AUXOT_QUEUE_MAX_WAITING must be a whole number (got "-1")');
    const fromFlag = await runAuxotAsync(['serve', '--port', '70000'], { AUXOT_PORT: '8000' });
    expectOneLine(fromFlag.stderr, /^error: --port must be at most 65535 \(got "70000"\)\n$/);
    const badUrl = await runAuxotAsync(['serve'], { OPENAI_BASE_URL: 'api.openai.com' });
    expectOneLine(badUrl.stderr, /^error: OPENAI_BASE_URL must be an http:\/\/ or https:\/\/ URL \(got "api.openai.com"\)\n$/);
  });
});

describe('providers from the environment', () => {
  let openaiUpstream: MockUpstream;
  let anthropicUpstream: MockUpstream;
  beforeAll(async () => {
    openaiUpstream = await startMockUpstream({
      dialect: 'openai',
      requireApiKey: 'sk-openai-env-secret-1',
      models: ['gpt-4o', 'text-embedding-3-small', 'gpt-4.1-mini', 'whisper-1', 'dall-e-3'],
    });
    anthropicUpstream = await startMockUpstream({ dialect: 'anthropic', requireApiKey: 'sk-ant-env-secret-2', models: ['claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929'] });
  });
  afterAll(async () => {
    await openaiUpstream.close();
    await anthropicUpstream.close();
  });

  it('list their upstreams\' real models, /models shows them on both surfaces, auto answers at once, and no secret reaches a log', async () => {
    const secrets = {
      AUXOT_ADMIN_KEY: 'axk_env-owner-key-abcdef0123-9f8e7d6c5b4a',
      OPENAI_API_KEY: 'sk-openai-env-secret-1',
      ANTHROPIC_API_KEY: 'sk-ant-env-secret-2',
      AUXOT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const server = await startAuxotServe(['--data-dir', dataDir(), '--log-level', 'debug'], {
      ...secrets,
      OPENAI_BASE_URL: openaiUpstream.baseUrl,
      ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
    });
    const used: string[] = [...Object.values(secrets)];
    let workerOutput = '';
    try {
      const logs = server.logs();
      expect(logs.find((entry) => entry.msg === 'providers configured')).toMatchObject({ count: 2, names: ['openai', 'anthropic'] });
      expect(logs.some((entry) => String(entry.msg).startsWith('nothing can serve'))).toBe(false);
      const discovery = anthropicUpstream.allRequests.find((request) => request.path.startsWith('/v1/models'));
      expect(discovery?.headers).toMatchObject({ 'x-api-key': 'sk-ant-env-secret-2', 'anthropic-version': '2023-06-01' });

      const headers = { authorization: `Bearer ${secrets.AUXOT_ADMIN_KEY}` };
      const openaiModels = (await (await fetch(`${server.url}/api/openai/v1/models`, { headers })).json()) as { data: Array<{ id: string; owned_by: string }> };
      const ids = openaiModels.data.map((model) => model.id);
      expect(ids).toEqual(['auto', 'gpt-4.1-mini', 'gpt-4o', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
      const anthropicModels = (await (await fetch(`${server.url}/api/anthropic/v1/models`, { headers: { 'x-api-key': secrets.AUXOT_ADMIN_KEY } })).json()) as {
        data: Array<{ id: string; type: string }>;
      };
      expect(anthropicModels.data.map((model) => model.id)).toEqual(ids);

      openaiUpstream.enqueue({ kind: 'turn', turn: { text: 'auto works' } });
      const openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: secrets.AUXOT_ADMIN_KEY, maxRetries: 0 });
      const { data, response } = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(data.choices[0]?.message.content).toBe('auto works');
      expect(response.headers.get('x-auxot-model')).toBe('gpt-4.1-mini');
      anthropicUpstream.enqueue({ kind: 'turn', turn: { text: 'claude too' } });
      const anthropic = new Anthropic({ baseURL: `${server.url}/api/anthropic`, apiKey: secrets.AUXOT_ADMIN_KEY, maxRetries: 0 });
      const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
      expect(message.content[0]).toMatchObject({ text: 'claude too' });

      // A full run's worth of keys: a caller key, a wrong caller key, a provider with a wrong upstream key, a worker key.
      const admin = async (method: string, path: string, body?: unknown) =>
        (await fetch(server.url + path, { method, headers: { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })).json() as Promise<any>;
      const caller = await admin('POST', '/api/admin/keys', { name: 'app' });
      used.push(caller.key);
      await admin('POST', '/api/admin/providers', { name: 'broken', kind: 'openai-compatible', baseUrl: openaiUpstream.baseUrl, apiKey: 'sk-wrong-provider-key-99', models: ['broken-model'] });
      used.push('sk-wrong-provider-key-99');
      const asCaller = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: caller.key, maxRetries: 0 });
      await expect(asCaller.chat.completions.create({ model: 'broken-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 502 });
      const wrongCaller = 'axk_not-a-real-key-1234567';
      used.push(wrongCaller);
      await expect(new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: wrongCaller, maxRetries: 0 }).models.list()).rejects.toMatchObject({ status: 401 });
      await admin('POST', '/api/admin/providers', { name: 'rack', kind: 'gpu-worker', models: ['local'] });
      const workerKey = await admin('POST', '/api/admin/worker-keys', { provider: 'rack', name: 'rack-1' });
      used.push(workerKey.key);
      const worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', openaiUpstream.baseUrl, '--upstream-key-env', 'UPSTREAM_KEY', '--models', 'local', '--log-level', 'debug'], {
        AUXOT_WORKER_KEY: workerKey.key,
        UPSTREAM_KEY: secrets.OPENAI_API_KEY,
      });
      const refused = await runAuxotAsync(['worker', 'gpu', '--server', server.url, '--upstream', openaiUpstream.baseUrl, '--models', 'local'], { AUXOT_WORKER_KEY: 'axw_revoked-or-unknown-key-42' });
      used.push('axw_revoked-or-unknown-key-42');
      workerOutput += refused.stderr;
      expect(await worker.stop()).toBe(0);
      workerOutput += worker.output();
      await expect.poll(() => logEntries(server.output()).some((entry) => entry.msg === 'worker disconnected')).toBe(true);
    } finally {
      await server.stop();
    }
    const everything = server.output() + workerOutput;
    expect(everything).toContain('"msg":"worker connected"');
    for (const secret of used) expect(everything, `a log holds ${secret.slice(0, 8)}…`).not.toContain(secret);
  }, 90_000);

  it('fall back to a default model list when the upstream does not answer its models endpoint', async () => {
    const server = await startAuxotServe(['--data-dir', dataDir()], {
      AUXOT_ADMIN_KEY: 'axk_env-owner-key-abcdef0123-9f8e7d6c5b4a',
      OPENAI_API_KEY: 'sk-openai-env-secret-1',
      OPENAI_BASE_URL: `http://127.0.0.1:${await freePort()}/v1`,
    });
    try {
      expect(server.logs().find((entry) => entry.msg === "could not list the upstream's models; using the default list")).toMatchObject({ level: 'warn', provider: 'openai' });
      const listed = (await (await fetch(`${server.url}/api/openai/v1/models`, { headers: { authorization: 'Bearer axk_env-owner-key-abcdef0123-9f8e7d6c5b4a' } })).json()) as {
        data: Array<{ id: string }>;
      };
      expect(listed.data.map((model) => model.id).slice(0, 3)).toEqual(['auto', 'gpt-4.1', 'gpt-4.1-mini']);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
