import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../support/mock-upstreams/index.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { PROVIDERS, startGatewayWithUpstreams, UPSTREAM_KEYS, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { rawRequest, type RawResponse } from './helpers/raw-http.js';

/**
 * The management API and the discovery endpoints: providers CRUD without ever showing or storing
 * a provider key in the clear, caller keys with roles and revocation, model listings in each
 * vendor's shape, HEAD probes, the paths without `/v1`, and count_tokens.
 */

const SECRET = 'sk-admin-test-SECRET-7f3a9b1c2d';
const ROTATED_SECRET = 'sk-admin-test-ROTATED-4e5f6a7b8c';

describe('admin API and discovery endpoints', () => {
  let gateway: GatewayWithUpstreams;
  /** Every response body this file received, searched at the end for provider secrets. */
  const bodies: string[] = [];
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
    expect((await gateway.server.admin('PUT', '/api/admin/routes/fast', { candidates: [{ provider: PROVIDERS.openai.name, model: PROVIDERS.openai.model }] })).status).toBe(200);
  });
  afterAll(async () => gateway.close());

  const call = async (method: string, path: string, body?: unknown, key: string = gateway.server.adminKey): Promise<RawResponse> => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await rawRequest(gateway.server, path, { method, body, headers });
    bodies.push(response.text);
    return response;
  };
  const chat = (key: string, path = '/api/openai/v1/chat/completions') =>
    call('POST', path, { model: PROVIDERS.openai.model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, key);

  describe('providers', () => {
    it('create, read, list, update and delete through the REST API, never showing the key', async () => {
      const input = { name: 'vault', kind: 'anthropic', baseUrl: gateway.upstreams.anthropic.baseUrl, apiKey: SECRET, models: ['vault-model'], settings: { maxConcurrency: 4 } };
      const created = await call('POST', '/api/admin/providers', input);
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ name: 'vault', kind: 'anthropic', tier: 'cloud', baseUrl: input.baseUrl, models: ['vault-model'], settings: { maxConcurrency: 4 }, enabled: true, hasApiKey: true });
      expect(created.json.id).toMatch(/^prov_/);
      expect(created.json).not.toHaveProperty('apiKey');
      expect((await call('POST', '/api/admin/providers', input)).status).toBe(400);

      const byName = await call('GET', '/api/admin/providers/vault');
      const byId = await call('GET', `/api/admin/providers/${created.json.id as string}`);
      expect(byId.json).toEqual(byName.json);
      const list = await call('GET', '/api/admin/providers');
      expect(list.json.data.map((provider: { name: string }) => provider.name).sort()).toEqual(['claude', 'compat', 'vault']);

      // The key is used but never shown: the mock wants UPSTREAM_KEYS.anthropic, so SECRET is refused
      // upstream, which is the provider's fault and not the caller's (502, not 401).
      const viaVault = await call('POST', '/api/anthropic/v1/messages', { model: 'vault-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
      expect(viaVault.status).toBe(502);
      expect(viaVault.json.error.message).toContain('vault');
      gateway.upstreams.anthropic.enqueue({ kind: 'turn', turn: { text: 'vault ok' } });
      const patched = await call('PATCH', '/api/admin/providers/vault', { apiKey: UPSTREAM_KEYS.anthropic, models: ['vault-model', 'vault-2'] });
      expect(patched.status).toBe(200);
      expect(patched.json).toMatchObject({ models: ['vault-model', 'vault-2'], hasApiKey: true });
      const retried = await call('POST', '/api/anthropic/v1/messages', { model: 'vault-2', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
      expect(retried.status).toBe(200);
      expect(retried.headers.get('x-auxot-provider')).toBe('vault');
      expect(retried.json.content).toEqual([{ type: 'text', text: 'vault ok' }]);
      expect((await call('PATCH', '/api/admin/providers/vault', { apiKey: ROTATED_SECRET })).status).toBe(200);

      expect((await call('DELETE', '/api/admin/providers/vault')).status).toBe(204);
      expect((await call('GET', '/api/admin/providers/vault')).status).toBe(404);
      expect((await call('POST', '/api/anthropic/v1/messages', { model: 'vault-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).status).toBe(404);
    });

    it('does not store provider keys in plaintext (SQLite file and WAL)', async () => {
      const files = ['auxot.db', 'auxot.db-wal'].map((name) => join(gateway.server.dataDir, name)).filter((path) => existsSync(path));
      expect(files.length).toBeGreaterThan(0);
      const bytes = Buffer.concat(files.map((path) => readFileSync(path)));
      // Sanity: the provider rows are in these bytes, so an unencrypted key would be too.
      expect(bytes.includes(Buffer.from(gateway.upstreams.openai.baseUrl))).toBe(true);
      for (const secret of [SECRET, ROTATED_SECRET, UPSTREAM_KEYS.openai, UPSTREAM_KEYS.anthropic]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le')), secret).toBe(false);
      }
    });
  });

  describe('caller keys', () => {
    it('creates, lists and revokes keys; a member key may chat but not administer; a revoked key is refused', async () => {
      const created = await call('POST', '/api/admin/keys', { name: 'ci-bot', role: 'member' });
      expect(created.status).toBe(201);
      const memberKey = created.json.key as string;
      expect(memberKey.length).toBeGreaterThan(20);
      expect(created.json.apiKey).toMatchObject({ name: 'ci-bot', role: 'member', revokedAt: null });

      const listed = await call('GET', '/api/admin/keys');
      const entry = listed.json.data.find((key: { id: string }) => key.id === created.json.apiKey.id);
      expect(entry).toMatchObject({ name: 'ci-bot', role: 'member', revokedAt: null });
      expect(memberKey.startsWith((entry.prefix as string).replace(/…$/, ''))).toBe(true);
      expect(entry.prefix.length).toBeLessThan(memberKey.length / 2);
      expect(listed.text).not.toContain(memberKey);

      expect((await chat(memberKey)).status).toBe(200);
      for (const [method, path] of [['GET', '/api/admin/providers'], ['POST', '/api/admin/keys'], ['GET', '/api/admin/teams/x/members'], ['GET', '/api/admin/changes']] as const) {
        const denied = await call(method, path, method === 'POST' ? { name: 'nope' } : undefined, memberKey);
        expect([403, 404], `${method} ${path}`).toContain(denied.status);
        if (denied.status === 403) expect(denied.json.error.type).toBe('forbidden');
      }
      // A member sees its own key and its own requests, nothing else.
      const own = await call('GET', '/api/admin/keys', undefined, memberKey);
      expect(own.json.data.map((key: { id: string }) => key.id)).toEqual([created.json.apiKey.id]);
      const ownRequests = await call('GET', '/api/admin/requests', undefined, memberKey);
      expect(ownRequests.json.data.length).toBeGreaterThan(0);
      expect(ownRequests.json.data.every((record: { keyId: string }) => record.keyId === created.json.apiKey.id)).toBe(true);

      const revoked = await call('DELETE', `/api/admin/keys/${created.json.apiKey.id as string}`);
      expect(revoked.status).toBe(200);
      expect(revoked.json.revokedAt).not.toBeNull();
      expect((await chat(memberKey)).status).toBe(401);
      expect((await call('POST', '/api/anthropic/v1/messages', { model: PROVIDERS.openai.model, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, memberKey)).status).toBe(401);
      expect((await call('GET', '/api/openai/v1/models', undefined, memberKey)).status).toBe(401);
    });

    it('an admin key created by the owner may administer', async () => {
      const created = await call('POST', '/api/admin/keys', { name: 'ops', role: 'admin' });
      expect(created.status).toBe(201);
      expect((await call('GET', '/api/admin/providers', undefined, created.json.key)).status).toBe(200);
    });
  });

  describe('model listings, HEAD probes and paths without /v1', () => {
    it.each(['/api/openai/v1/models', '/api/openai/models'])('GET %s lists provider models and route aliases in OpenAI shape', async (path) => {
      const response = await call('GET', path);
      expect(response.status).toBe(200);
      expect(response.json.object).toBe('list');
      const byId = new Map((response.json.data as Array<Record<string, unknown>>).map((model) => [model.id, model]));
      expect([...byId.keys()].sort()).toEqual(['auto', 'claude-model', 'fast', 'oa-model']);
      expect(byId.get('fast')).toMatchObject({ object: 'model', owned_by: 'auxot' });
      expect(byId.get('oa-model')).toMatchObject({ object: 'model', owned_by: PROVIDERS.openai.name });
      expect(Number.isInteger(byId.get('claude-model')?.created)).toBe(true);
    });

    it.each(['/api/anthropic/v1/models', '/api/anthropic/models'])('GET %s lists them in Anthropic shape', async (path) => {
      const response = await call('GET', path);
      expect(response.status).toBe(200);
      const data = response.json.data as Array<Record<string, unknown>>;
      expect(data.map((model) => model.id).sort()).toEqual(['auto', 'claude-model', 'fast', 'oa-model']);
      for (const model of data) {
        expect(model).toMatchObject({ type: 'model', display_name: expect.any(String) });
        expect(Number.isNaN(Date.parse(model.created_at as string))).toBe(false);
      }
      expect(response.json).toMatchObject({ has_more: false, first_id: data[0]?.id, last_id: data.at(-1)?.id });
    });

    it('the official SDKs read both listings', async () => {
      const openaiIds: string[] = [];
      for await (const model of openAiClient(gateway.server).models.list()) openaiIds.push(model.id);
      const anthropicIds: string[] = [];
      for await (const model of anthropicClient(gateway.server).models.list()) anthropicIds.push(model.id);
      expect(openaiIds.sort()).toEqual(['auto', 'claude-model', 'fast', 'oa-model']);
      expect(anthropicIds.sort()).toEqual(['auto', 'claude-model', 'fast', 'oa-model']);
    });

    it.each(['/api/openai', '/api/openai/v1', '/api/anthropic', '/api/anthropic/v1'])('HEAD %s answers 200', async (path) => {
      const response = await fetch(gateway.server.url + path, { method: 'HEAD' });
      expect(response.status).toBe(200);
    });

    it.each(['/api/openai/chat/completions', '/api/anthropic/messages', '/api/anthropic/v1/messages?beta=true'])('POST %s works', async (path) => {
      const body = path.includes('anthropic')
        ? { model: PROVIDERS.anthropic.model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }
        : { model: PROVIDERS.openai.model, messages: [{ role: 'user', content: 'x' }] };
      const response = await call('POST', path, body);
      expect(response.status).toBe(200);
      expect(path.includes('anthropic') ? response.json.type : response.json.object).toBe(path.includes('anthropic') ? 'message' : 'chat.completion');
    });
  });

  describe('count_tokens', () => {
    const body = { model: PROVIDERS.anthropic.model, system: 'Be terse.', messages: [{ role: 'user', content: 'How many tokens is this sentence?' }] };

    it.each(['/api/anthropic/v1/messages/count_tokens', '/api/anthropic/messages/count_tokens'])('%s is exact through an Anthropic upstream', async (path) => {
      const before = gateway.upstreams.anthropic.allRequests.length;
      const response = await call('POST', path, body);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ input_tokens: estimateInputTokens(body) });
      expect(response.headers.get('x-auxot-provider')).toBe(PROVIDERS.anthropic.name);
      expect(response.headers.get('x-auxot-token-count')).toBeNull();
      const forwarded = gateway.upstreams.anthropic.allRequests.slice(before);
      expect(forwarded.map((request) => request.path)).toEqual(['/v1/messages/count_tokens']);
      expect(forwarded[0]?.headers['x-api-key']).toBe(UPSTREAM_KEYS.anthropic);
    });

    it('is estimated (and says so) when the route has no Anthropic upstream; the SDK reads both', async () => {
      const before = gateway.upstreams.openai.allRequests.length;
      const response = await call('POST', '/api/anthropic/v1/messages/count_tokens', { ...body, model: PROVIDERS.openai.model });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-auxot-token-count')).toBe('estimated');
      expect(Object.keys(response.json)).toEqual(['input_tokens']);
      expect(response.json.input_tokens).toBeGreaterThan(5);
      expect(response.json.input_tokens).toBeLessThan(100);
      expect(gateway.upstreams.openai.allRequests.length).toBe(before);

      const anthropic = anthropicClient(gateway.server);
      const exact = await anthropic.messages.countTokens({ model: PROVIDERS.anthropic.model, messages: body.messages as never, system: body.system });
      expect(exact.input_tokens).toBe(estimateInputTokens({ ...body }));
      const estimated = await anthropic.messages.countTokens({ model: PROVIDERS.openai.model, messages: body.messages as never, system: body.system });
      expect(estimated.input_tokens).toBe(response.json.input_tokens);
    });
  });

  it('no response this file received ever contained a provider key', () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const text of bodies) {
      for (const secret of [SECRET, ROTATED_SECRET, UPSTREAM_KEYS.openai, UPSTREAM_KEYS.anthropic]) expect(text).not.toContain(secret);
    }
  });
});
