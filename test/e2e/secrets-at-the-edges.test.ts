import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuxot, startAuxotServe } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess } from '../support/worker-process.js';
import { ask } from './helpers/cascade-calls.js';

/** Secrets stay where they were entered: keys go only to their host, revocation bites at once, files are owner-only. */
describe('secrets at the edges', () => {
  let server: TestServer;
  let vendor: MockUpstream;
  let attacker: MockUpstream;
  beforeAll(async () => {
    vendor = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-vendor-stored-key' });
    attacker = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'vendor', kind: 'openai-compatible', baseUrl: vendor.baseUrl, apiKey: 'sk-vendor-stored-key', models: ['vendor-model'] });
  });
  afterAll(async () => {
    await server.close();
    await vendor.close();
    await attacker.close();
  });

  it('refuses to move a provider with a stored key to another address unless the key is given again', async () => {
    const moved = await server.admin('PATCH', '/api/admin/providers/vendor', { baseUrl: attacker.baseUrl });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ type: 'invalid_request', param: 'apiKey' });
    expect(moved.body.error.message).toMatch(/send apiKey again/);
    expect((await ask(server, 'vendor-model', 'still home?')).status).toBe(200);
    expect(attacker.allRequests).toEqual([]);

    // Other changes need no key; moving with a new key sends only that key there.
    expect((await server.admin('PATCH', '/api/admin/providers/vendor', { settings: { maxConcurrency: 5 } })).status).toBe(200);
    expect((await server.admin('PATCH', '/api/admin/providers/vendor', { baseUrl: `${attacker.baseUrl}/`, apiKey: 'sk-entered-for-the-new-host' })).status).toBe(200);
    expect((await ask(server, 'vendor-model', 'where now?')).status).toBe(200);
    expect(attacker.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-entered-for-the-new-host']);
    expect(JSON.stringify(attacker.allRequests.map((request) => request.headers))).not.toContain('sk-vendor-stored-key');
  });

  it('never lets the last owner key be revoked, and lets an owner rotate it', async () => {
    const keys: Array<{ id: string; role: string }> = (await server.admin('GET', '/api/admin/keys')).body.data;
    const owner = keys.find((key) => key.role === 'owner');
    if (owner === undefined) throw new Error('no owner key');
    const refused = await server.admin('DELETE', `/api/admin/keys/${owner.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/last owner key/);

    const second = await server.admin('POST', '/api/admin/keys', { name: 'second owner', role: 'owner' });
    expect(second.status).toBe(201);
    const admin = await server.admin('POST', '/api/admin/keys', { name: 'an admin', role: 'admin' });
    const byAdmin = await fetch(`${server.url}/api/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.body.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'escalation', role: 'owner' }),
    });
    expect(byAdmin.status).toBe(403);
    // Revoke the second owner with the first, then the first cannot go.
    expect((await server.admin('DELETE', `/api/admin/keys/${second.body.apiKey.id}`)).status).toBe(200);
    expect((await server.admin('DELETE', `/api/admin/keys/${owner.id}`)).status).toBe(403);
  });
});

describe('a revoked worker key', () => {
  let server: TestServer;
  let gpuModel: MockUpstream;
  let cloud: MockUpstream;
  beforeAll(async () => {
    gpuModel = await startMockUpstream({ dialect: 'openai' });
    cloud = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'gpu', kind: 'gpu-worker', models: ['gpu-model'] });
    await server.addProvider({ name: 'cloud', kind: 'openai-compatible', baseUrl: cloud.baseUrl, models: ['cloud-model'] });
    await server.admin('PUT', '/api/admin/routes/both', { candidates: [{ provider: 'gpu', model: 'gpu-model' }, { provider: 'cloud', model: 'cloud-model' }] });
  });
  afterAll(async () => {
    await server.close();
    await gpuModel.close();
    await cloud.close();
  });

  it('disconnects its worker at once and moves the worker\'s unstarted job to the next candidate', async () => {
    const created = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'gpu', name: 'rack-1' })).body;
    const worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', gpuModel.baseUrl, '--models', 'gpu-model', '--slots', '1', '--name', 'rack-1'], {
      AUXOT_WORKER_KEY: created.key,
    });
    try {
      gpuModel.enqueue({ kind: 'hang-before-headers' });
      const pending = ask(server, 'both', 'which tier?');
      await gpuModel.waitForRequests(1);
      expect((await server.admin('DELETE', `/api/admin/worker-keys/${created.workerKey.id}`)).status).toBe(204);
      // Gone from the list as soon as the revocation returns.
      expect((await server.admin('GET', '/api/admin/workers')).body.data).toEqual([]);
      const answer = await pending;
      expect(answer).toMatchObject({ status: 200, provider: 'cloud' });
      await worker.waitFor(/refused this worker \(4001\): worker key revoked/);
    } finally {
      gpuModel.releaseHanging();
      await worker.stop();
    }
  }, 30_000);
});

describe('start-up secrets', () => {
  it('refuses a short or low-entropy AUXOT_ADMIN_KEY and says how to make a good one', () => {
    for (const weak of ['axk_envtest', 'a'.repeat(40)]) {
      const result = runAuxot(['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'auxot-weak-'))], { AUXOT_ADMIN_KEY: weak });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/AUXOT_ADMIN_KEY must be at least 32 characters/);
      expect(result.stderr).toMatch(/randomBytes\(32\)/);
    }
  });

  it('creates the store owner-only inside a data directory others can read, and warns about the directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auxot-perms-'));
    chmodSync(dataDir, 0o755);
    const serve = await startAuxotServe(['--data-dir', dataDir], { AUXOT_ADMIN_KEY: 'axk_permissions-owner-key-9f8e7d6c5b4a3210' });
    try {
      for (const file of ['auxot.db', 'auxot.db-wal', 'auxot.db-shm', 'master.key']) {
        expect((statSync(join(dataDir, file)).mode & 0o777).toString(8), file).toBe('600');
      }
      expect(serve.output()).toMatch(/data directory is readable by other users/);
      expect(serve.output()).toContain(`chmod 700 ${dataDir}`);
    } finally {
      await serve.stop();
    }
  });
});
