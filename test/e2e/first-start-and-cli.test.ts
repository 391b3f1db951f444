import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuxot, startAuxotServe } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';

/** The program as a newcomer meets it: `auxot serve` on an empty data directory, then the CLI. */
describe('first start and the auxot CLI', () => {
  let upstream: MockUpstream;
  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-from-environment' });
  });
  afterAll(() => upstream.close());

  it('prints a generated owner key once, and only on the first start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auxot-first-'));
    const first = await startAuxotServe(['--data-dir', dataDir], {});
    const key = /\n\s+(axk_[A-Za-z0-9_-]{40,})\n/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    expect(first.output()).toMatch(/shown only this once/);
    const models = await fetch(`${first.url}/api/openai/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await startAuxotServe(['--data-dir', dataDir], {});
    expect(second.output()).not.toMatch(/axk_/);
    const again = await fetch(`${second.url}/api/anthropic/v1/models`, { headers: { 'x-api-key': key ?? '' } });
    expect(again.status).toBe(200);
    expect(await second.stop()).toBe(0);
  }, 60_000);

  it('adds a provider from OPENAI_API_KEY on first start and uses that key upstream', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auxot-env-'));
    const server = await startAuxotServe(['--data-dir', dataDir], {
      AUXOT_ADMIN_KEY: 'axk_automation-owner-key-7f3a9c2e5b1d8f40',
      OPENAI_API_KEY: 'sk-from-environment',
      OPENAI_BASE_URL: upstream.baseUrl,
    });
    try {
      expect(server.output()).not.toMatch(/shown only this once/);
      expect(server.logs()).toContainEqual(expect.objectContaining({ msg: 'added provider from the environment', provider: 'openai' }));
      upstream.enqueue({ kind: 'turn', turn: { text: 'via the environment provider' } });
      const client = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: 'axk_automation-owner-key-7f3a9c2e5b1d8f40', maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0]?.message.content).toBe('via the environment provider');
      expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-from-environment');
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('manages providers, routes, keys and worker keys from the command line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auxot-cli-'));
    const server = await startAuxotServe(['--data-dir', dataDir], { AUXOT_ADMIN_KEY: 'axk_cli-owner-key-2c9e4b7a1f6d3e8b05' });
    const env = { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: 'axk_cli-owner-key-2c9e4b7a1f6d3e8b05', VLLM_KEY: 'sk-from-environment' };
    try {
      const added = runAuxot(['providers', 'add', '--name', 'vllm', '--kind', 'openai-compatible', '--base-url', upstream.baseUrl, '--models', 'qwen3-coder', '--api-key-env', 'VLLM_KEY'], env);
      expect(added.status, added.stderr).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ name: 'vllm', kind: 'openai-compatible', models: ['qwen3-coder'], hasApiKey: true });
      expect(added.stdout).not.toContain('sk-from-environment');

      const listed = runAuxot(['providers', 'list'], env);
      expect(JSON.parse(listed.stdout).data.map((provider: { name: string }) => provider.name)).toEqual(['vllm']);

      const unknownKind = runAuxot(['providers', 'add', '--name', 'x', '--kind', 'bedrock', '--base-url', 'http://127.0.0.1:1'], env);
      expect(unknownKind.status).toBe(2);
      expect(unknownKind.stderr).toMatch(/--kind <kind>' argument 'bedrock' is invalid\. Allowed choices are openai, anthropic, openai-compatible, gpu-worker, cli-worker/);

      expect(runAuxot(['providers', 'add', '--name', 'rack', '--kind', 'gpu-worker', '--models', 'llama'], env).status).toBe(0);
      const route = runAuxot(['routes', 'set', 'coding', '--candidates', 'rack:llama,vllm:qwen3-coder'], env);
      expect(route.status, route.stderr).toBe(0);
      expect(JSON.parse(route.stdout)).toMatchObject({ name: 'coding', candidates: [{ provider: 'rack', model: 'llama' }, { provider: 'vllm', model: 'qwen3-coder' }] });

      const workerKey = runAuxot(['workers', 'add-key', '--provider', 'rack', '--name', 'rack-1'], env);
      expect(JSON.parse(workerKey.stdout).key).toMatch(/^axw_/);

      const callerKey = runAuxot(['keys', 'create', '--name', 'nightly', '--service-class', 'batch'], env);
      const created = JSON.parse(callerKey.stdout);
      expect(created).toMatchObject({ key: expect.stringMatching(/^axk_/), apiKey: { name: 'nightly', serviceClass: 'batch', role: 'member' } });

      // The route works end to end: the GPU tier has no worker, so the cloud candidate answers.
      upstream.enqueue({ kind: 'turn', turn: { text: 'routed' } });
      const client = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: created.key, maxRetries: 0 });
      const { data, response } = await client.chat.completions.create({ model: 'coding', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(data.choices[0]?.message.content).toBe('routed');
      expect(response.headers.get('x-auxot-route')).toBe('coding');
      expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-from-environment');

      const requests = runAuxot(['requests', '--limit', '1'], env);
      expect(JSON.parse(requests.stdout).data[0]).toMatchObject({ route: 'coding', status: 200, decision: [{ provider: 'rack', reason: 'down' }, { provider: 'vllm', outcome: 'used' }] });

      const wrongKey = runAuxot(['providers', 'list'], { ...env, AUXOT_ADMIN_KEY: created.key });
      expect(wrongKey.status).toBe(1);
      expect(wrongKey.stderr).toMatch(/HTTP 403/);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('explains itself when run without a command or with an unknown one', () => {
    const help = runAuxot(['--help'], {});
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: auxot .*\n[\s\S]*serve \[options\]/);
    const unknown = runAuxot(['frobnicate'], {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
