import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/app/server-app.js';
import { loadServerConfig } from '../../src/config/server-config.js';
import { systemClock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';

export const TEST_ADMIN_KEY = 'axk_test-owner-key-0123456789abcdefghijkl';

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  adminKey: string;
  running: RunningServer;
  /** Calls the admin API as the owner; returns status and parsed body. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Adds a provider through the admin API and fails the test if that does not work. */
  addProvider(provider: Record<string, unknown>): Promise<any>;
  /** The request records the server kept (newest first). */
  requestLog(limit?: number): Promise<any[]>;
  /** The server's JSON log lines so far. */
  logs(): Array<Record<string, any>>;
  /** The id `GET /api/admin/workers` shows for the connected worker of this name. */
  workerId(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real server, started in this process on 127.0.0.1 with a fresh data directory (or the one
 * `AUXOT_DATA_DIR` names, to start again on what an earlier server left). Settings come through
 * the same config loader `auxot serve` uses, as environment variables.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = env.AUXOT_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'auxot-test-'));
  const { config, problems } = loadServerConfig(
    { AUXOT_ADMIN_KEY: TEST_ADMIN_KEY, AUXOT_HOST: '127.0.0.1', AUXOT_PORT: '0', AUXOT_DATA_DIR: dataDir, ...env },
    {},
  );
  if (config === undefined) throw new Error(problems.join('; '));
  const lines: string[] = [];
  const running = await startServer(config, systemClock, createLogger((line) => lines.push(line)));
  const url = `http://127.0.0.1:${running.port}`;
  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    url,
    port: running.port,
    dataDir,
    adminKey: TEST_ADMIN_KEY,
    running,
    admin,
    async addProvider(provider) {
      const result = await admin('POST', '/api/admin/providers', provider);
      if (result.status !== 201) throw new Error(`adding provider failed: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    },
    async requestLog(limit = 50) {
      const result = await admin('GET', `/api/admin/requests?limit=${limit}`);
      return result.body.data;
    },
    logs: () => lines.map((line) => JSON.parse(line)),
    async workerId(name) {
      const workers = (await admin('GET', '/api/admin/workers')).body.data as Array<{ id: string; name: string }>;
      const worker = workers.find((entry) => entry.name === name);
      if (worker === undefined) throw new Error(`no connected worker named ${name}: ${JSON.stringify(workers)}`);
      return worker.id;
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
