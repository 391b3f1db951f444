import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { ask } from './helpers/cascade-calls.js';

/**
 * A frozen worker (socket open, process stopped) cannot acknowledge a job: the job is taken back
 * after the acknowledgement timeout, served by the next candidate, and the worker gets no new
 * jobs until it speaks again — with the default five-second heartbeat, long before its timeout.
 */
describe('job acknowledgements', () => {
  let server: TestServer;
  let gpuModel: MockUpstream;
  let cloud: MockUpstream;
  let worker: WorkerProcess;
  beforeAll(async () => {
    gpuModel = await startMockUpstream({ dialect: 'openai' });
    cloud = await startMockUpstream({ dialect: 'openai' });
    gpuModel.setHandler(() => ({ kind: 'turn', turn: { text: 'from-gpu' } }));
    cloud.setHandler(() => ({ kind: 'turn', turn: { text: 'from-cloud' } }));
    server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '5000', AUXOT_WORKER_ACK_TIMEOUT_MS: '1000' });
    await server.addProvider({ name: 'gpu', kind: 'gpu-worker', models: ['gpu-model'] });
    await server.addProvider({ name: 'cloud', kind: 'openai-compatible', baseUrl: cloud.baseUrl, models: ['cloud-model'] });
    await server.admin('PUT', '/api/admin/routes/both', { candidates: [{ provider: 'gpu', model: 'gpu-model' }, { provider: 'cloud', model: 'cloud-model' }] });
    const key = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'gpu', name: 'frozen' })).body.key as string;
    worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', gpuModel.baseUrl, '--models', 'gpu-model', '--slots', '2', '--name', 'frozen'], {
      AUXOT_WORKER_KEY: key,
    });
  });
  afterAll(async () => {
    worker.child.kill('SIGCONT');
    await worker.stop();
    await server.close();
    await gpuModel.close();
    await cloud.close();
  });

  it('serves the job elsewhere when the worker does not acknowledge it, and sends that worker nothing more until it speaks', async () => {
    expect((await ask(server, 'both', 'warm')).text).toBe('from-gpu');
    worker.child.kill('SIGSTOP');

    const taken = await ask(server, 'both', 'to a frozen worker');
    expect(taken).toMatchObject({ status: 200, text: 'from-cloud' });
    const [record] = await server.requestLog(1);
    expect(record.decision[0]).toMatchObject({ provider: 'gpu', outcome: 'failed', reason: 'Worker frozen did not acknowledge the job within 1000 ms' });
    expect((await server.admin('GET', '/api/admin/workers')).body.data).toEqual([expect.objectContaining({ name: 'frozen', suspect: true, busy: 0 })]);

    // Still connected (heartbeats are not late yet), but no new job is sent its way.
    const next = await ask(server, 'both', 'while it is suspect');
    expect(next.text).toBe('from-cloud');
    const [skipped] = await server.requestLog(1);
    expect(skipped.decision[0]).toMatchObject({ provider: 'gpu', outcome: 'skipped', reason: 'saturated' });

    worker.child.kill('SIGCONT');
    await expect.poll(async () => (await server.admin('GET', '/api/admin/workers')).body.data[0]?.suspect, { timeout: 15_000, interval: 100 }).toBe(false);
    expect((await ask(server, 'both', 'back again')).text).toBe('from-gpu');
  }, 30_000);
});
