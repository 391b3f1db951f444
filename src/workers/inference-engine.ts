import type { ChatEvent } from '../canonical/chat-event.js';
import type { ModelRequest } from '../canonical/chat-request.js';

/**
 * What a worker runs jobs on: llama.cpp in-process, an OpenAI-compatible server it fronts, or the
 * Claude Code CLI. The worker process owns the connection to the server; the engine only turns one
 * canonical request into canonical events.
 */
export interface InferenceEngine {
  /** How many jobs may run at once (llama.cpp sequences, CLI processes, upstream concurrency). */
  readonly slots: number;
  /** Model names this engine serves, reported to the server in `hello`. */
  readonly models: string[];
  /**
   * Runs one job. Events follow the ChatEvent contract: response-start first, blocks in order,
   * usage, then response-end (or an error event). Aborting `signal` stops generation promptly and
   * ends the iterable.
   */
  run(job: EngineJob): AsyncIterable<ChatEvent>;
  /** Embeds texts, for engines that can (llama.cpp's embedding context, an upstream's /embeddings). */
  embed?(job: EmbedJob): Promise<EmbedOutput>;
  /** Releases models, contexts and child processes. */
  close(): Promise<void>;
}

export interface EngineJob {
  jobId: string;
  request: ModelRequest;
  /** The concrete model to run (the route already resolved aliases). */
  model: string;
  signal: AbortSignal;
  /** The `Via` value for any HTTP request the engine makes on this job's behalf (loop detection). */
  via?: string;
  /** Engines that know what a job cost (Claude Code's total_cost_usd) report it here. */
  reportCost?(usd: number): void;
}

/** Reported by an engine when it cannot take work for a while (Claude subscription limits, upstream 429). */
export class EngineOverloadedError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'EngineOverloadedError';
  }
}

export interface EmbedJob {
  jobId: string;
  model: string;
  input: string[];
  /** Shorten each vector to this many numbers. */
  dimensions?: number;
  /** The hop chain for the engine's own upstream requests. */
  via?: string;
  signal: AbortSignal;
}

export interface EmbedOutput {
  vectors: Array<readonly number[] | Float32Array>;
  inputTokens: number;
}
