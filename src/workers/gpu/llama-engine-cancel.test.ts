import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InferenceEngine } from '../inference-engine.js';
import { chatRequest, eventTypes, findEvent, firstEventWithin, runJob } from './test-support/engine-jobs.js';
import { writeTinyModel, type TinyModel } from './test-support/tiny-engine.js';

// Real llama.cpp inference on the tiny random-weight GGUF, one CPU thread. One slot, so a job can
// only start when the previous one really gave its sequence back.
let model: TinyModel;
let single: InferenceEngine;

beforeAll(async () => {
  model = writeTinyModel();
  single = await model.createEngine(1);
});

afterAll(async () => model?.dispose());

describe('createLlamaEngine: cancellation and failures free the slot', () => {
  test('abort mid-generation stops early, closes the block, reports usage, and the slot is free at once', async () => {
    const controller = new AbortController();
    const events = await runJob(single, chatRequest({ maxOutputTokens: 400, temperature: 0 }), {
      signal: controller.signal,
      onEvent: (event) => (event.type === 'text-delta' ? controller.abort() : undefined),
    });
    expect(eventTypes(events)).toMatch(/^response-start text-start( text-delta)+ text-end usage$/);
    const outputTokens = findEvent(events, 'usage')?.usage.outputTokens ?? 0;
    expect(outputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeLessThan(100);
    expect((await firstEventWithin(single, 1_000)).type).toBe('response-start');
  });

  test('a consumer that stops reading (break) also stops generation and frees the slot', async () => {
    const iterable = single.run({ jobId: 'j', request: chatRequest({ maxOutputTokens: 400 }), model: 'tiny', signal: new AbortController().signal });
    for await (const event of iterable) {
      if (event.type === 'text-delta') break;
    }
    expect((await firstEventWithin(single, 1_000)).type).toBe('response-start');
  });

  test('a job aborted while waiting for a slot ends without events and takes no slot', async () => {
    const controller = new AbortController();
    const busy = runJob(single, chatRequest({ maxOutputTokens: 300, temperature: 0 }), {
      onEvent: (event) => (event.type === 'text-delta' ? controller.abort() : undefined),
    });
    const waiting = runJob(single, chatRequest(), { signal: controller.signal });
    expect(await waiting).toEqual([]);
    expect(findEvent(await busy, 'response-end')?.finishReason.unified).toBe('length');
    expect((await firstEventWithin(single, 1_000)).type).toBe('response-start');
  });

  test('a prompt longer than the context window is refused and frees the slot', async () => {
    const events = await runJob(single, chatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x'.repeat(1_500) }] }] }));
    expect(events.map(({ event }) => event)).toEqual([
      { type: 'error', error: expect.objectContaining({ code: 'invalid_request', param: 'messages', retryable: true }) },
    ]);
    expect((await firstEventWithin(single, 1_000)).type).toBe('response-start');
  });

  test('a failure inside llama.cpp becomes an upstream_error event and frees the slot', async () => {
    // node-llama-cpp writes a NUL const into a grammar that llama.cpp then fails to parse.
    const events = await runJob(
      single,
      chatRequest({
        tools: [{ name: 'nul', inputSchema: { type: 'object', properties: { a: { const: '\u0000' } } } }],
        toolChoice: { type: 'required' },
      }),
    );
    expect(events.map(({ event }) => event)).toEqual([
      { type: 'error', error: expect.objectContaining({ code: 'upstream_error', retryable: true }) },
    ]);
    expect((await firstEventWithin(single, 1_000)).type).toBe('response-start');
  });

  test('close() stops running jobs and releases the model', async () => {
    const own = await model.createEngine(1, 512);
    let markStarted = (): void => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const running = runJob(own, chatRequest({ maxOutputTokens: 500 }), {
      onEvent: (event) => (event.type === 'text-delta' ? markStarted() : undefined),
    });
    await started;
    await own.close();
    const events = await running;
    expect(events.at(-1)?.event.type).toBe('usage');
    expect(findEvent(events, 'response-end')).toBeUndefined();
    // A job on a closed engine fails before its first event, so the server can send it elsewhere.
    await expect(runJob(own, chatRequest())).rejects.toMatchObject({ code: 'upstream_error', message: 'The llama.cpp engine is shut down' });
  });
});
