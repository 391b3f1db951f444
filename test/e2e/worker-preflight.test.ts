import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runAuxotAsync } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess } from '../support/worker-process.js';

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).toMatch(pattern);
}

describe('worker checks before connecting', () => {
  let server: TestServer;
  let inference: MockUpstream;
  let gpuKey: string;
  let cliKey: string;
  const scratch = mkdtempSync(join(tmpdir(), 'auxot-preflight-'));
  beforeAll(async () => {
    server = await startTestServer();
    inference = await startMockUpstream({ dialect: 'openai' });
    await server.addProvider({ name: 'rack', kind: 'gpu-worker', models: ['local-model'] });
    await server.addProvider({ name: 'claude-cli', kind: 'cli-worker', models: ['sonnet'] });
    gpuKey = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'rack', name: 'rack-7' })).body.key;
    cliKey = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'claude-cli', name: 'laptop' })).body.key;
  });
  afterAll(async () => {
    await server.close();
    await inference.close();
  });

  it('checks the key first: a wrong key is refused before the model file is even looked at', async () => {
    const result = await runAuxotAsync(['worker', 'gpu', '--server', server.url, '--model', '/missing.gguf'], { AUXOT_WORKER_KEY: 'axw_unknown-key-0000000' });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /error: the server at http:\/\/127\.0\.0\.1:\d+ does not know this worker key \(--key \/ AUXOT_WORKER_KEY\), or it was revoked; create one with: auxot workers add-key <name> --provider <provider>\n/);
  });

  it('a missing or non-GGUF model file is one line naming --model, not a stack', async () => {
    const missing = await runAuxotAsync(['worker', 'gpu', '--server', server.url, '--model', '/missing.gguf'], { AUXOT_WORKER_KEY: gpuKey });
    expect(missing.status).toBe(1);
    expectOneLine(missing.stderr, /error: --model: no model file at \/missing\.gguf \(ENOENT\); give the path of a \.gguf file, or an hf: URI\n/);
    const notGguf = join(scratch, 'notes.gguf');
    writeFileSync(notGguf, 'this is text');
    const wrongFile = await runAuxotAsync(['worker', 'gpu', '--server', server.url, '--model', notGguf], { AUXOT_WORKER_KEY: gpuKey });
    expectOneLine(wrongFile.stderr, /error: --model: .*notes\.gguf is not a GGUF model file\n/);
    expect((await server.admin('GET', '/api/admin/workers')).body.data).toEqual([]);
  });

  it('an unreachable server, and a key of the other worker kind, are named with the fix', async () => {
    const port = await freePort();
    const unreachable = await runAuxotAsync(['worker', 'gpu', '--upstream', inference.baseUrl], { AUXOT_WORKER_KEY: gpuKey, AUXOT_SERVER_URL: `http://127.0.0.1:${port}` });
    expect(unreachable.status).toBe(1);
    expectOneLine(unreachable.stderr, /error: cannot reach the Auxot server at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); check --server \/ AUXOT_SERVER_URL\n/);
    const wrongKind = await runAuxotAsync(['worker', 'gpu', '--server', server.url, '--upstream', inference.baseUrl], { AUXOT_WORKER_KEY: cliKey });
    expectOneLine(wrongKind.stderr, /error: this worker key belongs to provider 'claude-cli', a cli-worker provider: run `auxot worker cli`/);
  });

  it('a CLI worker without Claude Code credentials stops before connecting, naming the variables', async () => {
    const result = await runAuxotAsync(['worker', 'cli', '--server', server.url, '--work-dir', join(scratch, 'cli')], { AUXOT_WORKER_KEY: cliKey });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /error: Claude Code has no credentials: set ANTHROPIC_API_KEY \(an API key\), or CLAUDE_CODE_OAUTH_TOKEN/);
    expect((await server.admin('GET', '/api/admin/workers')).body.data).toEqual([]);
  });

  it('a worker started without --name is known by its key\'s name and id: in workers list, logs and request records', async () => {
    const keys = (await server.admin('GET', '/api/admin/worker-keys')).body.data as Array<{ id: string; name: string }>;
    const keyId = keys.find((key) => key.name === 'rack-7')?.id;
    const worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', inference.baseUrl, '--models', 'local-model'], { AUXOT_WORKER_KEY: gpuKey });
    try {
      expect(worker.logs().find((entry) => entry.msg === 'connected')).toMatchObject({ workerId: keyId, worker: 'rack-7', provider: 'rack' });
      expect((await server.admin('GET', '/api/admin/workers')).body.data).toEqual([expect.objectContaining({ id: keyId, name: 'rack-7', provider: 'rack' })]);
      inference.enqueue({ kind: 'turn', turn: { text: 'hello from rack-7' } });
      const openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: server.adminKey, maxRetries: 0 });
      const completion = await openai.chat.completions.create({ model: 'local-model', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0]?.message.content).toBe('hello from rack-7');
      const [record] = await server.requestLog(1);
      expect(record.workerId).toBe(keyId);
      expect(server.logs()).toContainEqual(expect.objectContaining({ msg: 'worker connected', workerId: keyId, worker: 'rack-7', provider: 'rack', engine: 'openai-compatible' }));
    } finally {
      expect(await worker.stop()).toBe(0);
    }
    await expect.poll(() => server.logs().find((entry) => entry.msg === 'worker disconnected')).toMatchObject({ workerId: keyId, worker: 'rack-7', provider: 'rack', code: 1000 });
  });

  it('a second process with the same key takes over, and the first stops with the reason', async () => {
    const first = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', inference.baseUrl, '--models', 'local-model'], { AUXOT_WORKER_KEY: gpuKey });
    const second = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', inference.baseUrl, '--models', 'local-model'], { AUXOT_WORKER_KEY: gpuKey });
    try {
      await first.waitFor(/error: another worker connected with this key/);
      expect(await first.exited()).toBe(1);
      expect((await server.admin('GET', '/api/admin/workers')).body.data).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});
