import { describe, expect, it } from 'vitest';
import { parseFrame, workerToServerSchema, type WorkerToServer } from '../protocol/messages.js';
import { PendingEmbedding } from '../hub/pending-embedding.js';
import type { InferenceEngine } from '../inference-engine.js';
import { sendEmbeddings } from './embed-job-runner.js';

/** An engine that embeds text i as the vector [i, i+1, ...] of `width` numbers. */
function countingEngine(width: number): InferenceEngine {
  return {
    slots: 1,
    models: ['m'],
    run: () => (async function* () {})(),
    embed: async (job) => ({ vectors: job.input.map((_, index) => Float32Array.from({ length: width }, (__, k) => index + k)), inputTokens: job.input.length * 3 }),
    close: async () => undefined,
  };
}

describe('embed jobs over the worker socket', () => {
  it('splits a large batch over frames under the 1 MiB limit, which the server reassembles in order', async () => {
    const frames: WorkerToServer[] = [];
    const input = Array.from({ length: 300 }, (_, index) => `text ${index}`);
    await sendEmbeddings(countingEngine(1024), { type: 'embed', jobId: 'emb_1', model: 'm', input }, new AbortController().signal, (message) => frames.push(message));
    expect(frames.length).toBeGreaterThan(2);
    const pending = new PendingEmbedding(input.length, 'm', 'w1');
    for (const frame of frames) {
      const text = JSON.stringify(frame);
      expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
      const parsed = parseFrame(workerToServerSchema, text);
      if (!parsed.ok || parsed.message.type !== 'embed-result') throw new Error(`bad frame: ${JSON.stringify(parsed)}`);
      pending.receive(parsed.message);
    }
    const result = await pending.result;
    expect(result.vectors).toHaveLength(300);
    expect(Array.from(result.vectors[299]!.slice(0, 3))).toEqual([299, 300, 301]);
    expect(result).toMatchObject({ inputTokens: 900, model: 'm', workerId: 'w1' });
  });

  it('an engine without embeddings answers job-failed; a short or out-of-order result fails the job', async () => {
    const frames: WorkerToServer[] = [];
    const chatOnly = { ...countingEngine(4), embed: undefined };
    await sendEmbeddings(chatOnly, { type: 'embed', jobId: 'emb_2', model: 'm', input: ['a'] }, new AbortController().signal, (message) => frames.push(message));
    expect(frames).toEqual([{ type: 'job-failed', jobId: 'emb_2', error: { code: 'invalid_request', message: 'This worker does not run embedding models', retryable: false } }]);
    const short = new PendingEmbedding(2, 'm', 'w1');
    short.receive({ start: 0, vectors: ['AACAPw=='], done: true, inputTokens: 1 });
    await expect(short.result).rejects.toMatchObject({ message: 'Worker w1 returned 1 embeddings for 2 inputs' });
    const shuffled = new PendingEmbedding(2, 'm', 'w1');
    shuffled.receive({ start: 1, vectors: ['AACAPw=='], done: false });
    await expect(shuffled.result).rejects.toMatchObject({ message: 'Worker w1 sent embeddings out of order' });
  });
});
