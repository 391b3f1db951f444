import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';

/** A prompt containing this word is answered slowly (~1.5 s), keeping its slot busy. */
export const HOLD = 'HOLD';

export interface CascadeRig {
  server: TestServer;
  /** The OpenAI-compatible server the GPU worker fronts. */
  gpuModel: MockUpstream;
  /** The Anthropic-format server Claude Code (the CLI worker) calls. */
  cliModel: MockUpstream;
  /** The cloud provider. */
  cloud: MockUpstream;
  gpuWorker: WorkerProcess;
  cliWorker: WorkerProcess;
  /** Starts another GPU worker for the `gpu` provider (after a kill). */
  startGpuWorker(name: string): Promise<WorkerProcess>;
  close(): Promise<void>;
}

/** Answers `text` normally, or slowly when the request mentions HOLD. */
function scripted(text: string, holdMs: number): (request: RecordedRequest) => Scenario {
  return (request) => {
    const held = JSON.stringify(request.body).includes(HOLD);
    if (!held) return { kind: 'turn', turn: { text } };
    const pieces = 30;
    return { kind: 'turn', turn: { text: `${text} `.repeat(6).slice(0, pieces), fragmentChars: 1, delayMs: Math.round(holdMs / pieces) } };
  };
}

/**
 * Three tiers, each one slot wide: a GPU worker (real `auxot worker gpu --upstream`), a CLI worker
 * (real `auxot worker cli` running the real Claude Code binary), and a cloud provider capped at one
 * request at a time. Route `cascade` = GPU → CLI → cloud.
 */
export async function startCascadeRig(env: Record<string, string> = {}, holdMs = 1_500): Promise<CascadeRig> {
  const gpuModel = await startMockUpstream({ dialect: 'openai' });
  const cliModel = await startMockUpstream({ dialect: 'anthropic', requireApiKey: 'sk-cli-model' });
  const cloud = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-cloud' });
  gpuModel.setHandler(scripted('from-gpu', holdMs));
  cliModel.setHandler(scripted('from-cli', holdMs));
  cloud.setHandler(scripted('from-cloud', holdMs));

  const server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '300', AUXOT_QUEUE_MAX_WAIT_MS: '8000', AUXOT_QUEUE_MAX_WAITING: '2', ...env });
  await server.addProvider({ name: 'gpu', kind: 'gpu-worker', models: ['gpu-model'] });
  await server.addProvider({ name: 'cli', kind: 'cli-worker', models: ['cli-model'] });
  await server.addProvider({ name: 'cloud', kind: 'openai-compatible', baseUrl: cloud.baseUrl, apiKey: 'sk-cloud', models: ['cloud-model'], settings: { maxConcurrency: 1 } });
  const route = await server.admin('PUT', '/api/admin/routes/cascade', {
    candidates: [
      { provider: 'gpu', model: 'gpu-model' },
      { provider: 'cli', model: 'cli-model' },
      { provider: 'cloud', model: 'cloud-model' },
    ],
  });
  if (route.status !== 200) throw new Error(`route: ${JSON.stringify(route.body)}`);
  const workerKey = async (provider: string, name: string): Promise<string> =>
    (await server.admin('POST', '/api/admin/worker-keys', { provider, name })).body.key as string;

  const startGpuWorker = async (name: string): Promise<WorkerProcess> =>
    startWorkerProcess(['gpu', '--server', server.url, '--upstream', gpuModel.baseUrl, '--models', 'gpu-model', '--slots', '1', '--name', name], {
      AUXOT_WORKER_KEY: await workerKey('gpu', name),
    });
  const cliWork = mkdtempSync(join(tmpdir(), 'auxot-cli-worker-'));
  const [gpuWorker, cliWorker] = await Promise.all([
    startGpuWorker('gpu-1'),
    startWorkerProcess(['cli', '--server', server.url, '--slots', '1', '--models', 'cli-model', '--work-dir', cliWork, '--name', 'cli-1'], {
      AUXOT_WORKER_KEY: await workerKey('cli', 'cli-1'),
      ANTHROPIC_BASE_URL: cliModel.baseUrl,
      ANTHROPIC_API_KEY: 'sk-cli-model',
      CLAUDE_CODE_MAX_RETRIES: '0',
    }),
  ]);
  const started: WorkerProcess[] = [gpuWorker, cliWorker];
  return {
    server,
    gpuModel,
    cliModel,
    cloud,
    gpuWorker,
    cliWorker,
    async startGpuWorker(name) {
      const worker = await startGpuWorker(name);
      started.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(started.map((worker) => worker.stop()));
      await server.close();
      await Promise.all([gpuModel.close(), cliModel.close(), cloud.close()]);
    },
  };
}
