import type { LlamaContextSequence } from 'node-llama-cpp';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { EngineJob, InferenceEngine } from '../inference-engine.js';
import { AsyncQueue } from '../../platform/async-queue.js';
import { loadLlamaRuntime } from './llama-runtime.js';
import { runGeneration } from './run-generation.js';
import { SlotPool } from '../slot-pool.js';

export interface LlamaEngineOptions {
  /** A GGUF path, or an `hf:` URI (or URL) resolved with node-llama-cpp's `resolveModelFile` into `modelsDir`. */
  modelPath: string;
  modelsDir?: string;
  /** The name reported to the server. */
  modelName: string;
  /** Jobs that may run at once: one llama.cpp context sequence each. */
  slots: number;
  /** Tokens per sequence; node-llama-cpp picks one from free memory when absent. */
  contextSize?: number;
  /** CPU threads for llama.cpp. On a 2-core machine use 1: more threads spin against Node's own. */
  threads?: number;
  gpu?: false | 'auto';
  newId(prefix: string): string;
}

/**
 * Runs chat jobs on llama.cpp in-process through node-llama-cpp: one model, one context with one
 * sequence per slot. A job borrows a free sequence (or waits for one, in arrival order) and gives
 * it back once llama.cpp has stopped using it, whether the job finished, failed or was cancelled.
 */
export async function createLlamaEngine(options: LlamaEngineOptions): Promise<InferenceEngine> {
  if (!Number.isInteger(options.slots) || options.slots < 1) throw new Error('slots must be a positive integer');
  const runtime = await loadLlamaRuntime(options);
  const pool = new SlotPool<LlamaContextSequence>(runtime.sequences);
  const running = new Set<Promise<void>>();
  const stops = new Set<AbortController>();
  let closed = false;
  let closing: Promise<void> | undefined;

  async function* run(job: EngineJob): AsyncGenerator<ChatEvent, void, undefined> {
    const lease = await pool.acquire(job.signal);
    if (lease === undefined) return;
    if (closed) {
      lease.release();
      yield { type: 'error', error: new GatewayError('upstream_error', 'The llama.cpp engine is shut down') };
      return;
    }
    // Also stops generation when the consumer leaves early (break / return) without aborting.
    const stop = new AbortController();
    stops.add(stop);
    const onAbort = (): void => stop.abort(job.signal.reason);
    job.signal.addEventListener('abort', onAbort, { once: true });
    if (job.signal.aborted) onAbort();
    const queue = new AsyncQueue<ChatEvent>();
    const generation = runGeneration(runtime, lease.slot, {
      request: job.request,
      responseId: options.newId('chatcmpl-'),
      modelName: options.modelName,
      newId: options.newId,
      signal: stop.signal,
      emit: (event) => queue.push(event),
    }).finally(() => {
      // Released here rather than in the consumer's `finally`, so an abandoned iterator cannot leak the slot.
      job.signal.removeEventListener('abort', onAbort);
      stops.delete(stop);
      lease.release();
      queue.close();
    });
    running.add(generation);
    void generation.finally(() => running.delete(generation));
    try {
      yield* queue;
    } finally {
      stop.abort();
      await generation;
    }
  }

  return {
    slots: options.slots,
    models: [options.modelName],
    run,
    close: () => {
      closed = true;
      closing ??= (async () => {
        for (const stop of stops) stop.abort();
        await Promise.allSettled([...running]);
        await runtime.dispose();
      })();
      return closing;
    },
  };
}
