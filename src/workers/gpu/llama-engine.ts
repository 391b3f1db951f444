import type { LlamaContextSequence } from 'node-llama-cpp';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { EngineJob, InferenceEngine } from '../inference-engine.js';
import { createLlamaEmbedder } from './llama-embeddings.js';
import { loadLlamaRuntime } from './llama-runtime.js';
import { runGeneration } from './run-generation.js';
import { SlotRunner } from '../slot-runner.js';

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
  /** Told how far the model load is, from 0 to 1. */
  onLoadProgress?: (fraction: number) => void;
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
  const runner = new SlotRunner<LlamaContextSequence>(runtime.sequences, 'llama.cpp');
  const embedder = createLlamaEmbedder(runtime, options);
  let closing: Promise<void> | undefined;

  function run(job: EngineJob): AsyncGenerator<ChatEvent, void, undefined> {
    return runner.run(job.signal, ({ slot, stop, events }) =>
      runGeneration(runtime, slot, {
        request: job.request,
        responseId: options.newId('chatcmpl-'),
        modelName: options.modelName,
        newId: options.newId,
        signal: stop,
        emit: (event) => events.push(event),
      }),
    );
  }

  return {
    slots: options.slots,
    models: [options.modelName],
    run,
    embed: (job) => embedder.embed(job),
    close: () => {
      closing ??= runner
        .close()
        .then(() => embedder.dispose())
        .then(() => runtime.dispose());
      return closing;
    },
  };
}
