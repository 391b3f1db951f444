import type { LlamaEmbeddingContext } from 'node-llama-cpp';
import { shortenVector } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { EmbedJob, EmbedOutput } from '../inference-engine.js';
import type { LlamaRuntime } from './llama-runtime.js';

export interface LlamaEmbedder {
  embed(job: EmbedJob): Promise<EmbedOutput>;
  dispose(): Promise<void>;
}

/**
 * Embeddings on the worker's model through node-llama-cpp's embedding context, created on the
 * first embed job (a chat-only worker never pays its memory) and used by one job at a time, in
 * arrival order, apart from the chat sequences. Vectors are L2-normalized.
 * @see https://node-llama-cpp.withcat.ai/guide/embedding
 */
export function createLlamaEmbedder(runtime: LlamaRuntime, options: { contextSize?: number; threads?: number }): LlamaEmbedder {
  let context: Promise<LlamaEmbeddingContext> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  const contextFor = (): Promise<LlamaEmbeddingContext> =>
    (context ??= runtime.model.createEmbeddingContext({
      ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    }));

  async function embedAll(job: EmbedJob): Promise<EmbedOutput> {
    if (disposed) throw new GatewayError('upstream_error', 'The llama.cpp engine is shut down');
    const embedding = await contextFor();
    const native = runtime.model.embeddingVectorSize;
    if (job.dimensions !== undefined && job.dimensions > native) {
      throw new GatewayError('invalid_request', `'dimensions' is ${job.dimensions}, but ${job.model} makes vectors of ${native}`, { param: 'dimensions' });
    }
    const vectors: Array<readonly number[]> = [];
    let inputTokens = 0;
    for (const [index, text] of job.input.entries()) {
      if (job.signal.aborted) throw new GatewayError('upstream_error', 'Embedding job cancelled', { retryable: false });
      const tokens = runtime.model.tokenize(text);
      if (tokens.length > runtime.context.contextSize) {
        throw new GatewayError('invalid_request', `input[${index}] is ${tokens.length} tokens; ${job.model} embeds at most ${runtime.context.contextSize}`, { param: 'input' });
      }
      inputTokens += tokens.length;
      const { vector } = await embedding.getEmbeddingFor(tokens);
      // Unit length, as OpenAI's vectors are and llama-server's are by default (embd_normalize 2).
      vectors.push(shortenVector(vector, job.dimensions ?? vector.length));
    }
    return { vectors, inputTokens };
  }

  return {
    embed(job) {
      const run = queue.then(() => embedAll(job));
      queue = run.catch(() => undefined);
      return run;
    },
    async dispose() {
      disposed = true;
      await queue;
      if (context !== undefined) await (await context.catch(() => undefined))?.dispose();
    },
  };
}
