import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, untilProviderBusy, untilWorkerBusy } from './helpers/cascade-calls.js';
import { HOLD, startCascadeRig, type CascadeRig } from './helpers/cascade-rig.js';

/**
 * The priority cascade with real workers: a GPU worker and a Claude Code CLI worker (one slot
 * each) and a cloud provider capped at one request, on route `cascade` = GPU → CLI → cloud.
 */
describe('cascade: capacity, queueing and service classes', () => {
  let rig: CascadeRig;
  beforeAll(async () => {
    rig = await startCascadeRig();
  }, 60_000);
  afterAll(() => rig?.close());

  /** Occupies every tier's single slot with slow requests; returns them to await later. */
  async function fillAllTiers(): Promise<Array<Promise<unknown>>> {
    const holds = [ask(rig.server, 'cascade', `${HOLD} gpu`, { stream: true })];
    await untilWorkerBusy(rig.server, 'gpu-1');
    holds.push(ask(rig.server, 'cascade', `${HOLD} cli`, { stream: true }));
    await untilWorkerBusy(rig.server, 'cli-1');
    holds.push(ask(rig.server, 'cascade', `${HOLD} cloud`, { stream: true }));
    await untilProviderBusy(rig.server, 'cloud');
    return holds;
  }

  it('serves from the GPU tier while it has a free slot', async () => {
    const answer = await ask(rig.server, 'cascade', 'hello');
    expect(answer).toMatchObject({ status: 200, tier: 'gpu', provider: 'gpu', text: 'from-gpu' });
  });

  it('spills to the CLI tier when the GPU slots are full, to the cloud when both are, and back to the GPU once it is free', async () => {
    const gpuHold = ask(rig.server, 'cascade', `${HOLD} gpu`, { stream: true });
    await untilWorkerBusy(rig.server, 'gpu-1');
    const cliHold = ask(rig.server, 'cascade', `${HOLD} cli`, { stream: true });
    await untilWorkerBusy(rig.server, 'cli-1');
    const cloudAnswer = await ask(rig.server, 'cascade', 'both busy');
    expect(cloudAnswer).toMatchObject({ status: 200, tier: 'cloud', text: 'from-cloud' });
    expect(await gpuHold).toMatchObject({ tier: 'gpu' });
    const cliAnswer = await cliHold;
    expect(cliAnswer).toMatchObject({ status: 200, tier: 'cli', provider: 'cli' });
    expect(cliAnswer.text).toContain('from-cli');
    expect(await ask(rig.server, 'cascade', 'gpu again')).toMatchObject({ tier: 'gpu', text: 'from-gpu' });
    const [record] = await rig.server.requestLog(1);
    expect(record.decision.map((entry: { provider: string; outcome: string }) => `${entry.provider}:${entry.outcome}`)).toEqual([
      'gpu:used',
      'cli:skipped',
      'cloud:skipped',
    ]);
  }, 30_000);

  it('spills from GPU to CLI alone when only the GPU is full', async () => {
    const gpuHold = ask(rig.server, 'cascade', `${HOLD} gpu`, { stream: true });
    await untilWorkerBusy(rig.server, 'gpu-1');
    const answer = await ask(rig.server, 'cascade', 'gpu is busy');
    expect(answer).toMatchObject({ status: 200, tier: 'cli' });
    expect(answer.text).toContain('from-cli');
    await gpuHold;
    const [record] = await rig.server.requestLog(2);
    expect(record.decision).toEqual([
      { provider: 'gpu', model: 'gpu-model', tier: 'gpu', outcome: 'skipped', reason: 'saturated' },
      { provider: 'cli', model: 'cli-model', tier: 'cli', outcome: 'used' },
      { provider: 'cloud', model: 'cloud-model', tier: 'cloud', outcome: 'skipped' },
    ]);
  }, 30_000);

  it('keeps a request waiting while every tier is full and serves it when a slot frees', async () => {
    const holds = await fillAllTiers();
    const waited = await ask(rig.server, 'cascade', 'waiting in line');
    expect(waited.status).toBe(200);
    expect(waited.queueMs).toBeGreaterThan(100);
    await Promise.all(holds);
  }, 30_000);

  it('refuses with 429 / overloaded_error and Retry-After once the queue is full', async () => {
    const holds = await fillAllTiers();
    const waiting = [ask(rig.server, 'cascade', 'queued 1'), ask(rig.server, 'cascade', 'queued 2')];
    await expect.poll(() => rig.server.running.queuedRequests()).toBe(2);
    const refused = await ask(rig.server, 'cascade', 'one too many');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ code: 'no_capacity' });
    const anthropic = await fetch(`${rig.server.url}/api/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': rig.server.adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cascade', max_tokens: 10, messages: [{ role: 'user', content: 'too many' }] }),
    });
    expect(anthropic.status).toBe(529);
    expect(Number(anthropic.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    for (const answer of await Promise.all(waiting)) expect(answer.status).toBe(200);
    await Promise.all(holds);
  }, 30_000);

  it('serves a waiting interactive request before a batch request that waited longer', async () => {
    const batchKey = (await rig.server.admin('POST', '/api/admin/keys', { name: 'nightly-batch', serviceClass: 'batch' })).body.key;
    const holds = await fillAllTiers();
    const batch = ask(rig.server, 'cascade', 'batch job', { key: batchKey });
    await expect.poll(() => rig.server.running.queuedRequests()).toBe(1);
    const interactive = ask(rig.server, 'cascade', 'interactive question');
    const [batchAnswer, interactiveAnswer] = await Promise.all([batch, interactive]);
    expect(batchAnswer.status).toBe(200);
    expect(interactiveAnswer.status).toBe(200);
    expect(interactiveAnswer.queueMs).toBeLessThanOrEqual(batchAnswer.queueMs);
    expect(interactiveAnswer.finishedAt).toBeLessThan(batchAnswer.finishedAt);
    await Promise.all(holds);
  }, 30_000);

  it('skips the CLI tier for a request that declares tools', async () => {
    const gpuHold = ask(rig.server, 'cascade', `${HOLD} gpu`, { stream: true });
    await untilWorkerBusy(rig.server, 'gpu-1');
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const answer = await ask(rig.server, 'cascade', 'use a tool', { tools });
    expect(answer).toMatchObject({ status: 200, tier: 'cloud' });
    await gpuHold;
    const [record] = await rig.server.requestLog(2);
    expect(record.decision[1]).toMatchObject({ provider: 'cli', outcome: 'skipped', reason: expect.stringMatching(/declare tools/) });
  }, 30_000);
});
