import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockDialect, MockUpstream, RecordedRequest, ScriptedTurn } from '../support/mock-upstreams/index.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { PROVIDERS, startGatewayWithUpstreams, UPSTREAM_KEYS, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { CHAT_PATHS } from './helpers/raw-http.js';

/**
 * A caller that hangs up cancels the upstream request at once: while waiting for the first byte,
 * in the middle of a stream, and while a non-streaming answer is being collected. The test waits
 * for the upstream to see the abort before its answer ended; the latency (one clock: the mock runs
 * in this process) is printed for the report, never asserted as a duration.
 */

/**
 * A long, slow answer, far longer than any test waits: one SSE event every 40 ms, or for a
 * non-streaming body 16 bytes every 40 ms.
 */
const SLOW_STREAM: ScriptedTurn = { text: 'slow '.repeat(200), fragmentChars: 5, delayMs: 40 };
const SLOW_BODY: ScriptedTurn = { text: 'slow '.repeat(200), split: 16, delayMs: 40 };

type Caller = 'openai-sdk' | 'anthropic-sdk' | 'raw-fetch';
interface CancelCase {
  label: string;
  caller: Caller;
  upstream: MockDialect;
  stream: boolean;
  /** Where the upstream is when the caller hangs up. */
  phase: 'before-first-byte' | 'mid-answer';
}

const CASES: CancelCase[] = [
  { label: 'openai SDK stream, upstream silent before headers', caller: 'openai-sdk', upstream: 'openai', stream: true, phase: 'before-first-byte' },
  {
    label: 'anthropic SDK non-stream, upstream silent before headers',
    caller: 'anthropic-sdk',
    upstream: 'anthropic',
    stream: false,
    phase: 'before-first-byte',
  },
  {
    label: 'openai SDK non-stream → anthropic, upstream silent before headers',
    caller: 'openai-sdk',
    upstream: 'anthropic',
    stream: false,
    phase: 'before-first-byte',
  },
  { label: 'openai SDK stream → anthropic (translated), mid-stream', caller: 'openai-sdk', upstream: 'anthropic', stream: true, phase: 'mid-answer' },
  { label: 'openai SDK stream → openai (passthrough), mid-stream', caller: 'openai-sdk', upstream: 'openai', stream: true, phase: 'mid-answer' },
  { label: 'anthropic SDK stream → openai (translated), mid-stream', caller: 'anthropic-sdk', upstream: 'openai', stream: true, phase: 'mid-answer' },
  { label: 'raw fetch stream → anthropic (passthrough), mid-stream', caller: 'raw-fetch', upstream: 'anthropic', stream: true, phase: 'mid-answer' },
  { label: 'openai SDK non-stream → anthropic, mid-answer (collecting)', caller: 'openai-sdk', upstream: 'anthropic', stream: false, phase: 'mid-answer' },
  { label: 'anthropic SDK non-stream → anthropic (passthrough), mid-body', caller: 'anthropic-sdk', upstream: 'anthropic', stream: false, phase: 'mid-answer' },
  {
    label: 'anthropic SDK non-stream → openai (translated, whole body), mid-body',
    caller: 'anthropic-sdk',
    upstream: 'openai',
    stream: false,
    phase: 'mid-answer',
  },
];

describe('cancellation', () => {
  let gateway: GatewayWithUpstreams;
  let openai: OpenAI;
  let anthropic: Anthropic;
  const measured: string[] = [];
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
    openai = openAiClient(gateway.server);
    anthropic = anthropicClient(gateway.server);
  });
  afterAll(async () => {
    console.log(`[cancellation] upstream abort latency after the caller hung up:\n  ${measured.join('\n  ')}`);
    await gateway.close();
  });

  /** No capacity slot may outlive a cancelled call. */
  afterEach(async () => {
    await expect
      .poll(async () => {
        const { body } = await gateway.server.admin('GET', '/api/admin/providers');
        return (body.data as Array<{ capacity?: { inFlight: number } }>).map((provider) => provider.capacity?.inFlight ?? 0).filter((count) => count !== 0);
      })
      .toEqual([]);
  });

  /** Starts the call; resolves once the caller has seen the answer begin (or, before the first byte, once the upstream has the request). */
  async function start(testCase: CancelCase, controller: AbortController, upstream: MockUpstream): Promise<{ call: Promise<unknown> }> {
    const requestsBefore = upstream.requests.length;
    const model = PROVIDERS[testCase.upstream].model;
    const messages = [{ role: 'user' as const, content: 'Take your time.' }];
    const signal = controller.signal;
    let began: () => void = () => undefined;
    const beganPromise = new Promise<void>((resolve) => (began = resolve));
    let call: Promise<unknown>;
    if (testCase.caller === 'openai-sdk') {
      call = testCase.stream
        ? (async () => {
            const stream = await openai.chat.completions.create({ model, messages, stream: true }, { signal });
            for await (const chunk of stream) if (chunk.choices[0]?.delta.content) began();
          })()
        : openai.chat.completions.create({ model, messages }, { signal });
    } else if (testCase.caller === 'anthropic-sdk') {
      const params = { model, messages, max_tokens: 2000 };
      call = testCase.stream
        ? (async () => {
            const stream = anthropic.messages.stream(params, { signal });
            stream.on('text', () => began());
            await stream.finalMessage();
          })()
        : anthropic.messages.create(params, { signal });
    } else {
      call = (async () => {
        const response = await fetch(gateway.server.url + CHAT_PATHS.anthropic, {
          method: 'POST',
          headers: { 'x-api-key': gateway.server.adminKey, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages, max_tokens: 2000, stream: true }),
          signal,
        });
        for await (const piece of response.body ?? []) if (Buffer.from(piece).toString().includes('text_delta')) began();
      })();
    }
    call.catch(() => undefined);
    await upstream.waitForRequests(requestsBefore + 1);
    if (testCase.phase === 'mid-answer') {
      // Non-streaming callers see nothing until the end: wait until the upstream is into its answer.
      if (testCase.stream) await beganPromise;
      else await upstream.waitForBytes(upstream.requests[requestsBefore] as RecordedRequest, 64);
    }
    // Wrapped: an async function returning the bare promise would wait for it to settle.
    return { call };
  }

  it.each(CASES)('$label: the upstream request is aborted before its answer ends and the record says client_aborted', async (testCase) => {
    const upstream = gateway.upstreams[testCase.upstream];
    // A non-streaming call gets a whole body unless it is translated with no budget (the OpenAI
    // SDK sends none here; the Anthropic callers ask for 2000 tokens, within the whole-body bound).
    const translated = (testCase.caller === 'openai-sdk') !== (testCase.upstream === 'openai');
    const upstreamStreams = testCase.stream || (translated && testCase.caller === 'openai-sdk');
    const turn = upstreamStreams ? SLOW_STREAM : SLOW_BODY;
    upstream.enqueue(testCase.phase === 'before-first-byte' ? { kind: 'hang-before-headers' } : { kind: 'turn', turn });
    const before = new Set((await gateway.server.requestLog(500)).map((record) => record.id as string));
    const requestsBefore = upstream.requests.length;
    const controller = new AbortController();
    const { call } = await start(testCase, controller, upstream);
    const upstreamRequest = upstream.requests[requestsBefore];
    if (upstreamRequest === undefined) throw new Error('the upstream never received the request');
    expect(upstreamRequest.abortedAt).toBeUndefined();

    const hungUpAt = performance.now();
    controller.abort();
    // The event itself: the upstream saw its client leave while its slow answer was still going.
    const abortedAt = await upstream.waitForAbort(upstreamRequest, 15_000);
    measured.push(`${testCase.label}: ${(abortedAt - hungUpAt).toFixed(1)} ms`);
    expect(upstreamRequest.completedAt).toBeUndefined();
    const outcome = await call.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    // openai-node ends a stream's iteration quietly when its own signal aborts it (core/streaming.ts).
    if (testCase.caller === 'openai-sdk' && testCase.stream && testCase.phase === 'mid-answer') expect(outcome).toBe('resolved');
    else if (testCase.caller === 'openai-sdk') expect(outcome).toBeInstanceOf(OpenAI.APIUserAbortError);
    else if (testCase.caller === 'anthropic-sdk') expect(outcome).toBeInstanceOf(Anthropic.APIUserAbortError);
    else expect((outcome as Error).name).toBe('AbortError');

    const record = await newRecord(before);
    expect(record.clientAborted).toBe(true);
    expect(record.errorCode).toBe('client_aborted');
    expect(record.status).toBe(499);
    expect(record.modelRequested).toBe(PROVIDERS[testCase.upstream].model);
    expect(record.stream).toBe(testCase.stream);
  });

  it('a caller that hangs up while queued for capacity is dropped from the queue and never reaches the upstream', async () => {
    await gateway.server.addProvider({
      name: 'narrow',
      kind: 'openai-compatible',
      baseUrl: gateway.upstreams.openai.baseUrl,
      apiKey: UPSTREAM_KEYS.openai,
      models: ['narrow-model'],
      settings: { maxConcurrency: 1 },
    });
    const upstream = gateway.upstreams.openai;
    const params = { model: 'narrow-model', messages: [{ role: 'user' as const, content: 'x' }] };
    upstream.enqueue({ kind: 'hang-before-headers' });
    const holder = new AbortController();
    const holding = openai.chat.completions.create(params, { signal: holder.signal }).catch((error: unknown) => error);
    const [held] = (await upstream.waitForRequests(upstream.requests.length + 1)).slice(-1);
    const requestsWithOne = upstream.requests.length;

    const before = new Set((await gateway.server.requestLog(500)).map((record) => record.id as string));
    const queuedController = new AbortController();
    const queued = openai.chat.completions.create(params, { signal: queuedController.signal }).catch((error: unknown) => error);
    await expect.poll(() => gateway.server.running.queuedRequests()).toBe(1);
    expect(upstream.requests.length).toBe(requestsWithOne);
    queuedController.abort();
    expect(await queued).toBeInstanceOf(OpenAI.APIUserAbortError);
    const record = await newRecord(before);
    expect(record).toMatchObject({ modelRequested: 'narrow-model', clientAborted: true, errorCode: 'client_aborted', status: 499 });

    holder.abort();
    await upstream.waitForAbort(held as NonNullable<typeof held>, 2_000);
    expect(await holding).toBeInstanceOf(OpenAI.APIUserAbortError);
    upstream.enqueue({ kind: 'turn', turn: { text: 'capacity is back' } });
    const next = await openai.chat.completions.create(params);
    expect(next.choices[0]?.message.content).toBe('capacity is back');
    // The dropped request was never dispatched: only the holder and the last call reached the upstream.
    expect(upstream.requests.length).toBe(requestsWithOne + 1);
  });

  /** The one record written for the cancelled request (records are written after the answer ends). */
  async function newRecord(before: Set<string>): Promise<any> {
    const fresh = async (): Promise<any[]> => (await gateway.server.requestLog(500)).filter((record) => !before.has(record.id as string));
    await expect.poll(async () => (await fresh()).length).toBeGreaterThan(0);
    const records = await fresh();
    expect(records).toHaveLength(1);
    return records[0];
  }
});
