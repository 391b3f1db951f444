import type { ChatEvent } from '../canonical/chat-event.js';
import { ResultCollector } from '../canonical/collect-result.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { ChatRequest } from '../canonical/chat-request.js';
import type { Dialect } from '../dialects/dialect.js';
import type { StreamChunk, StreamResponse } from '../providers/provider.js';
import type { Attempt } from '../routing/execute-with-fallback.js';
import type { AnswerMeter } from './answer-meter.js';
import type { ResponseSink } from './response-sink.js';

export interface RelayContext {
  request: ChatRequest;
  clientDialect: Dialect;
  sink: ResponseSink;
  meter: AnswerMeter;
  signal: AbortSignal;
  /** The most answer text a non-streaming caller's answer may collect before it is refused. */
  maxAnswerBytes: number;
  /** Headers naming the route, provider and request id. */
  headers: Record<string, string>;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};
const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Writes a started answer to the caller in the caller's dialect: the upstream's own bytes when the
 * dialects match (the meter still sees every decoded event), translated events otherwise, or one
 * collected body for callers that did not ask to stream. Throws only before anything was written.
 */
export async function relayAnswer(attempt: Attempt, context: RelayContext): Promise<void> {
  const { response } = attempt;
  const { request, clientDialect, sink, meter } = context;
  if (response.type === 'whole') {
    meter.observeResult(response.result);
    const body = response.dialect === clientDialect.id ? response.raw : JSON.stringify(clientDialect.encodeResult(response.result, request));
    commitJson(sink, context.headers, body);
    return;
  }
  if (!request.stream) {
    await relayCollected(response, attempt.primed, context);
    return;
  }
  await relayStream(response, attempt.primed, context);
}

async function relayStream(response: StreamResponse, primed: StreamChunk[], context: RelayContext): Promise<void> {
  const { clientDialect, sink, meter, signal } = context;
  const passthrough = response.passthroughDialect === clientDialect.id;
  const encoder = passthrough ? undefined : clientDialect.createStreamEncoder(context.request);
  sink.commit(200, { ...context.headers, ...SSE_HEADERS });

  const writeChunk = (chunk: StreamChunk): Promise<void> | undefined => {
    meter.observe(chunk.events);
    let text = '';
    if (encoder !== undefined) {
      for (const event of chunk.events) text += encoder.push(event);
      return text === '' ? undefined : sink.write(text);
    }
    // Upstream bytes go out as they came. An error never has bytes of its own (a frame that did not
    // parse, an upstream error frame, a cut stream): it is written as the caller's dialect's error
    // frame after the valid bytes before it, and never as a fake terminal event.
    for (const event of chunk.events) if (event.type === 'error') text += clientDialect.encodeStreamError(event.error);
    if (chunk.raw === undefined) return text === '' ? undefined : sink.write(text);
    if (text === '') return sink.write(chunk.raw);
    const wrote = sink.write(chunk.raw);
    return wrote === undefined ? sink.write(text) : wrote.then(() => sink.write(text));
  };

  try {
    for (const chunk of primed) await writeChunk(chunk);
    while (!signal.aborted && !sink.closed) {
      const next = await response.chunks.next();
      if (next.done === true) break;
      const pending = writeChunk(next.value);
      if (pending !== undefined) await pending;
    }
  } finally {
    if (signal.aborted || sink.closed) response.cancel();
    sink.end();
  }
}

async function relayCollected(response: StreamResponse, primed: StreamChunk[], context: RelayContext): Promise<void> {
  const { clientDialect, sink, meter, signal, request } = context;
  const collector = new ResultCollector();
  let collected = 0;
  const take = (chunk: StreamChunk): void => {
    meter.observe(chunk.events);
    for (const event of chunk.events) {
      collected += contentLength(event);
      if (collected > context.maxAnswerBytes) {
        throw new GatewayError('upstream_error', `The upstream answer exceeds the ${context.maxAnswerBytes}-byte limit for a non-streaming answer`, {
          retryable: false,
        });
      }
      collector.push(event);
    }
  };
  try {
    for (const chunk of primed) take(chunk);
    for (;;) {
      if (signal.aborted) return;
      const next = await response.chunks.next();
      if (next.done === true) break;
      take(next.value);
    }
  } catch (error) {
    response.cancel();
    throw error;
  }
  commitJson(sink, context.headers, JSON.stringify(clientDialect.encodeResult(collector.result(), request)));
}

/** Characters an event adds to a collected answer (a close proxy for bytes: JSON escaping aside). */
function contentLength(event: ChatEvent): number {
  switch (event.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return event.text.length;
    case 'tool-call-delta':
      return event.argumentsJson.length;
    case 'reasoning-start':
      return event.redactedData?.length ?? 0;
    case 'reasoning-end':
      return event.signature?.length ?? 0;
    default:
      return 0;
  }
}

/** A whole answer goes out with its length, not chunked. */
function commitJson(sink: ResponseSink, headers: Record<string, string>, body: string | Buffer): void {
  sink.commit(200, { ...headers, ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)) });
  sink.end(body);
}
