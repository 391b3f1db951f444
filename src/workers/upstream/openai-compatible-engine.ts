import { Agent, type Dispatcher } from 'undici';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { errorFromUpstreamStatus, GatewayError } from '../../canonical/gateway-error.js';
import type { Dialect } from '../../dialects/dialect.js';
import { parseEmbeddingsAnswer } from '../../providers/http/http-embeddings.js';
import { readBoundedBody } from '../../providers/http/read-bounded-body.js';
import { sseChunks } from '../../providers/http/sse-chunks.js';
import { isAbortError, retryAfterMsFrom, upstreamNetworkError } from '../../providers/http/upstream-failure.js';
import { EngineOverloadedError, type EmbedJob, type EmbedOutput, type EngineJob, type InferenceEngine } from '../inference-engine.js';

export interface OpenAiCompatibleEngineOptions {
  /** The local server's OpenAI base URL, e.g. http://127.0.0.1:8080/v1 (llama-server, vLLM, Ollama). */
  baseUrl: string;
  apiKey: string | undefined;
  /** Models to report; when empty, asked from the server's `GET /models`. */
  models: string[];
  slots: number;
  /** The openai-chat dialect, to write requests and read streams. */
  dialect: Dialect;
}

const DEFAULT_OVERLOAD_RETRY_MS = 1_000;

/**
 * A GPU worker in front of an OpenAI-compatible inference server on the worker's own machine. The
 * server keeps talking to the worker, never to the GPU box directly, so the box can sit behind NAT.
 */
export async function createOpenAiCompatibleEngine(options: OpenAiCompatibleEngineOptions): Promise<InferenceEngine> {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const basePath = base.pathname === '/' ? '' : base.pathname;
  const dispatcher: Dispatcher = new Agent({ connections: options.slots, keepAliveTimeout: 30_000 });
  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
  });
  const models = options.models.length > 0 ? options.models : await listModels(dispatcher, base.origin, basePath, headers());

  async function* run(job: EngineJob): AsyncGenerator<ChatEvent> {
    const { body } = options.dialect.encodeRequest(job.request, { model: job.model, stream: true, maxTokensField: 'max_tokens' });
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: base.origin,
        path: `${basePath}/chat/completions`,
        method: 'POST',
        headers: job.via === undefined ? headers() : { ...headers(), via: job.via },
        body: JSON.stringify(body),
        signal: job.signal,
        headersTimeout: 600_000,
        bodyTimeout: 120_000,
      });
    } catch (error) {
      if (isAbortError(error)) return;
      throw upstreamNetworkError('local upstream', error);
    }
    if (response.statusCode >= 400) {
      const raw = await readBoundedBody(response.body, 64 * 1024).catch(() => Buffer.alloc(0));
      const message = options.dialect.errorMessageFromBody(safeJson(raw)) ?? `HTTP ${response.statusCode}`;
      const retryAfterMs = retryAfterMsFrom(response.headers, Date.now());
      // llama-server answers 503 while loading or with every slot busy: come back later, elsewhere first.
      if (response.statusCode === 429 || response.statusCode === 503) {
        throw new EngineOverloadedError(`local upstream: ${message}`, retryAfterMs ?? DEFAULT_OVERLOAD_RETRY_MS);
      }
      throw errorFromUpstreamStatus(response.statusCode, `local upstream: ${message}`, retryAfterMs);
    }
    const chunks = sseChunks(response.body, {
      providerName: 'local upstream',
      decoder: options.dialect.createStreamDecoder(),
      keepRaw: false,
      stripUsageOnly: false,
    });
    for await (const chunk of chunks) yield* chunk.events;
  }

  /** The local server's own `/embeddings` (llama-server --embeddings, vLLM, Ollama). */
  async function embed(job: EmbedJob): Promise<EmbedOutput> {
    const body = { model: job.model, input: job.input, encoding_format: 'float', ...(job.dimensions === undefined ? {} : { dimensions: job.dimensions }) };
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: base.origin,
        path: `${basePath}/embeddings`,
        method: 'POST',
        headers: job.via === undefined ? headers() : { ...headers(), via: job.via },
        body: JSON.stringify(body),
        signal: job.signal,
        headersTimeout: 600_000,
        bodyTimeout: 120_000,
      });
    } catch (error) {
      if (isAbortError(error)) throw new GatewayError('upstream_error', 'Embedding job cancelled', { retryable: false });
      throw upstreamNetworkError('local upstream', error);
    }
    const raw = await readBoundedBody(response.body, 256 * 1024 * 1024);
    if (response.statusCode >= 400) {
      const message = options.dialect.errorMessageFromBody(safeJson(raw)) ?? `HTTP ${response.statusCode}`;
      throw errorFromUpstreamStatus(response.statusCode, `local upstream: ${message}`, retryAfterMsFrom(response.headers, Date.now()));
    }
    const { vectors, inputTokens } = parseEmbeddingsAnswer(safeJson(raw), job.input.length, 'local upstream');
    return { vectors, inputTokens };
  }

  return {
    slots: options.slots,
    models,
    run,
    embed,
    close: () => dispatcher.close(),
  };
}

async function listModels(dispatcher: Dispatcher, origin: string, basePath: string, headers: Record<string, string>): Promise<string[]> {
  try {
    const response = await dispatcher.request({ origin, path: `${basePath}/models`, method: 'GET', headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const parsed = safeJson(await readBoundedBody(response.body, 1024 * 1024)) as { data?: Array<{ id?: unknown }> } | undefined;
    const ids = (parsed?.data ?? []).map((model) => model.id).filter((id): id is string => typeof id === 'string');
    if (ids.length === 0) throw new GatewayError('upstream_error', 'the upstream listed no models');
    return ids;
  } catch (error) {
    throw new Error(`could not list the upstream's models (${error instanceof Error ? error.message : String(error)}); pass --models`, { cause: error });
  }
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
