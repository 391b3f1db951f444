import type { ChatEvent } from '../canonical/chat-event.js';
import type { ChatRequest, DialectId } from '../canonical/chat-request.js';
import type { ChatResult } from '../canonical/chat-result.js';
import type { EmbeddingRequest, EmbeddingResult } from '../canonical/embeddings.js';
import type { ModelPrice, ProviderKind, ProviderTier } from '../store/records.js';

/**
 * Something that can answer a chat request: a cloud API, an OpenAI-compatible server, or a pool of
 * GPU / CLI workers. The router only sees this interface.
 */
export interface Provider {
  readonly id: string;
  readonly name: string;
  readonly kind: ProviderKind;
  readonly tier: ProviderTier;
  /** True when this provider can run `model` (exact name or a `*` pattern in its list). */
  serves(model: string): boolean;
  /** Concrete model names, for `/models` listings and for picking a default. */
  listModels(): string[];
  capacity(): ProviderCapacity;
  /**
   * Why this provider cannot serve this request at all (not a matter of load), or undefined when it
   * can. The router skips such candidates without trying them.
   */
  refusal?(request: ChatRequest): string | undefined;
  /**
   * Reserves one unit of capacity now (a connection slot, a worker slot), or returns undefined when
   * there is none. Synchronous, so the dispatch queue can hand out capacity without races.
   */
  tryAcquire(): CapacityLease | undefined;
  /**
   * Starts one call on a lease from `tryAcquire`; the call owns the lease from here on and releases
   * it when the answer ends, fails or is cancelled. Resolves once the upstream has answered (response headers, or a worker's
   * first event); failures before that reject with a GatewayError whose `retryable` tells the
   * router whether to try the next candidate.
   */
  open(call: ProviderCall): Promise<ProviderResponse>;
  /**
   * Counts input tokens exactly, when the upstream can (Anthropic's count_tokens); undefined when
   * it cannot for this request.
   */
  countTokens?(request: ChatRequest, model: string): Promise<number | undefined>;
  /**
   * Embeds texts on a lease from `tryAcquire`, releasing it when done; undefined for providers
   * that serve no embedding models (Anthropic, CLI workers). Failures reject with a GatewayError.
   */
  readonly embed?: ((call: EmbeddingCall) => Promise<EmbeddingResult>) | undefined;
  /** Prices set on this provider by model name or `*` pattern (they win over the public dataset). */
  priceOverrides?(): Readonly<Record<string, ModelPrice>> | undefined;
  /** Releases pools, sockets, listeners. */
  close(): Promise<void>;
}

export interface ProviderCapacity {
  state: 'ready' | 'saturated' | 'down';
  inFlight: number;
  /** Concurrent calls allowed; undefined when unbounded. */
  limit: number | undefined;
}

/** A reserved unit of capacity. Releasing twice is harmless. */
export interface CapacityLease {
  release(): void;
  /** The worker the slot belongs to, for worker providers. */
  readonly workerId?: string;
}

/** Told whenever capacity frees up anywhere, so waiting requests can be dispatched. */
export interface CapacitySignal {
  notify(): void;
}

export interface ProviderCall {
  lease: CapacityLease;
  request: ChatRequest;
  /** The concrete upstream model (aliases already resolved). */
  model: string;
  requestId: string;
  signal: AbortSignal;
  /** W3C trace context for the upstream request (`traceparent`, `tracestate`); HTTP providers send it. */
  traceHeaders?: Readonly<Record<string, string>>;
}

export interface EmbeddingCall {
  lease: CapacityLease;
  request: EmbeddingRequest;
  /** The concrete upstream model (aliases already resolved). */
  model: string;
  requestId: string;
  signal: AbortSignal;
}

/**
 * An upstream answer. `stream`: chunks of events, each optionally carrying the exact upstream bytes
 * that produced them when those bytes are already in `passthroughDialect` (same-dialect relay).
 * `whole`: a complete non-streaming answer, with its raw bytes in `dialect`.
 */
export type ProviderResponse = StreamResponse | WholeResponse;

export interface StreamResponse {
  type: 'stream';
  passthroughDialect: DialectId | undefined;
  /** Request features lost in translation to this upstream (empty for passthrough). */
  warnings?: string[];
  chunks: AsyncIterator<StreamChunk>;
  /** Set by worker providers: which worker is answering. */
  workerId?: string;
  /** Cost the upstream reported (Claude Code's total_cost_usd), known once the stream ends. */
  costUsd?: () => number | undefined;
  /** Stops the upstream work; idempotent. */
  cancel(): void;
}

export interface StreamChunk {
  events: ChatEvent[];
  /** Upstream bytes for passthrough; absent for synthesized events (cut stream) and translated output. */
  raw?: Buffer;
}

export interface WholeResponse {
  type: 'whole';
  dialect: DialectId;
  raw: Buffer;
  result: ChatResult;
  warnings?: string[];
}
