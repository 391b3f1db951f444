import type { ChatEvent } from '../canonical/chat-event.js';
import type { ChatRequest, DialectId, ModelRequest } from '../canonical/chat-request.js';
import type { ChatResult } from '../canonical/chat-result.js';
import type { GatewayError } from '../canonical/gateway-error.js';
import type { JsonObject } from '../canonical/json.js';
import type { SseEvent } from './sse/sse-event.js';

/**
 * One wire format, both directions. The surface that speaks a dialect uses it inbound (decode
 * requests, encode answers); every provider whose upstream speaks it uses it outbound (encode
 * requests, decode answers). Each translation is therefore written once, never pair by pair.
 */
export interface Dialect {
  readonly id: DialectId;

  /**
   * Validates and normalizes a caller's body. Throws `GatewayError('invalid_request')` naming the bad
   * field. `raw`: the caller's bytes of `body`, when they are exactly it (passthrough relays them);
   * without them the body is serialized once here.
   */
  decodeRequest(body: unknown, raw?: Buffer): ChatRequest;

  /**
   * Builds an upstream body from a canonical request (used when the caller spoke another dialect,
   * and by workers). `warnings` lists only what this encoding dropped.
   */
  encodeRequest(request: ModelRequest, target: UpstreamTarget): EncodedRequest;

  /**
   * The caller's own body for an upstream of the same dialect, with only the model replaced, a
   * policy's lower output limit applied (`request.maxOutputTokens` below the body's), and whatever
   * metering needs (OpenAI: `stream_options.include_usage`, whose extra chunk is then stripped
   * again before the caller sees it).
   */
  preparePassthrough(request: ChatRequest, model: string, target?: Pick<UpstreamTarget, 'maxTokensField'>): PassthroughBody;

  /** A fresh decoder for one upstream SSE stream in this dialect. */
  createStreamDecoder(): StreamDecoder;

  /**
   * A fresh encoder writing canonical events as this dialect's SSE stream for one caller. The
   * caller's own body (`source`) is there for dialects whose answers echo request fields (Responses).
   */
  createStreamEncoder(request: ChatRequest): StreamEncoder;

  /** Reads a non-streaming upstream answer in this dialect (same-dialect passthrough taps it for usage). */
  decodeResult(body: unknown): ChatResult;

  /** Writes a whole answer as this dialect's non-streaming response body. */
  encodeResult(result: ChatResult, request: ChatRequest): JsonObject;

  /** Renders an error as this dialect's HTTP error response. */
  encodeError(error: GatewayError, requestId?: string): EncodedError;

  /** Renders an error as this dialect's in-stream error frame, for failures after the first byte. */
  encodeStreamError(error: GatewayError): string;

  /** Pulls the human-readable message out of an upstream error body in this dialect, if there is one. */
  errorMessageFromBody(body: unknown): string | undefined;
}

export interface PassthroughBody {
  /** The bytes to send upstream: the caller's raw bytes when nothing changed. */
  body: string | Buffer;
  /** Drop upstream SSE blocks whose only content is a usage report (the caller did not ask for it). */
  stripUsageOnlyEvents: boolean;
}

/** What the provider tells the encoder about the upstream it is about to call. */
export interface UpstreamTarget {
  model: string;
  stream: boolean;
  /** Used when the caller gave no output limit and the upstream requires one (Anthropic). */
  defaultMaxOutputTokens?: number;
  /**
   * OpenAI's own API wants `max_completion_tokens` (reasoning models reject `max_tokens`);
   * llama.cpp, vLLM and Ollama accept `max_tokens`.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

export interface EncodedRequest {
  body: JsonObject;
  /** Request features the upstream cannot honour and that were dropped. */
  warnings: string[];
}

export interface EncodedError {
  status: number;
  body: JsonObject;
  headers: Record<string, string>;
}

/** Turns one upstream stream into canonical events. */
export interface StreamDecoder {
  /** Feeds one SSE event; returns the canonical events it completes. */
  push(event: SseEvent): ChatEvent[];
  /**
   * The upstream body ended. Returns the closing events, or an `error` event when the stream ended
   * before its terminal event (a cut stream is a failure, never a success).
   */
  end(): ChatEvent[];
  /** True once the upstream's terminal event has been seen. */
  readonly done: boolean;
}

/** Turns canonical events into one caller's SSE stream. */
export interface StreamEncoder {
  /** Returns the SSE text for this event (possibly empty). */
  push(event: ChatEvent): string;
  /**
   * An out-of-band event (an agent's step), written as a frame this dialect's SDK stream helpers
   * pass through while they accumulate the answer; its data goes in an `auxot_<name>` field. Opens
   * the stream first when nothing has been written yet; empty once the stream has ended.
   */
  extension(name: string, data: JsonObject): string;
}

/** Time and ids come in from outside so tests can script them. */
export interface DialectDependencies {
  nowSeconds(): number;
  /** A new random id with the given prefix, e.g. `call_`, `toolu_`, `msg_`, `chatcmpl-`. */
  newId(prefix: string): string;
}
