import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { EmbeddingResult, EmbeddingVector } from '../../canonical/embeddings.js';
import { vectorFromBase64 } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { EmbeddingCall } from '../provider.js';
import { readBoundedBody } from './read-bounded-body.js';

/**
 * What Auxot reads of an OpenAI-style `/embeddings` answer. Vectors come as JSON numbers or, when
 * asked, as base64 float32; old llama.cpp builds answer numbers either way (docs/wire-formats.md §6).
 */
const embeddingsAnswerSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative().optional(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string().nullish(),
  usage: z.object({ prompt_tokens: z.number().nonnegative().nullish() }).nullish(),
});

export interface HttpEmbeddingTarget {
  dispatcher: Dispatcher;
  origin: string;
  path: string;
  headers: Record<string, string>;
  providerName: string;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Turns an HTTP error answer into the GatewayError the router acts on. */
  failure(response: Dispatcher.ResponseData): Promise<GatewayError>;
}

/** One call to an OpenAI-style `/embeddings`: the caller's body with the model replaced. */
export async function embedOverHttp(call: EmbeddingCall, target: HttpEmbeddingTarget): Promise<EmbeddingResult> {
  const body = JSON.stringify({ ...call.request.body, model: call.model });
  const response = await target.dispatcher.request({
    origin: target.origin,
    path: target.path,
    method: 'POST',
    headers: target.headers,
    body,
    signal: call.signal,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
  });
  if (response.statusCode >= 400) throw await target.failure(response);
  const raw = await readBoundedBody(response.body, target.maxBodyBytes);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new GatewayError('upstream_error', `Provider ${target.providerName} answered with invalid JSON`, { cause: error });
  }
  const { vectors, inputTokens, model } = parseEmbeddingsAnswer(json, call.request.input.length, target.providerName);
  return { vectors, inputTokens, model: model ?? call.model };
}

/** Reads an OpenAI-style embeddings answer, in input order, checking there is one vector per input. */
export function parseEmbeddingsAnswer(json: unknown, expected: number, providerName: string): { vectors: EmbeddingVector[]; inputTokens: number; model: string | undefined } {
  const parsed = embeddingsAnswerSchema.safeParse(json);
  if (!parsed.success) throw new GatewayError('upstream_error', `Provider ${providerName} sent a malformed embeddings answer`);
  const ordered = [...parsed.data.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  if (ordered.length !== expected) throw new GatewayError('upstream_error', `Provider ${providerName} returned ${ordered.length} embeddings for ${expected} inputs`);
  const vectors = ordered.map((item) => (typeof item.embedding === 'string' ? vectorFromBase64(item.embedding) : item.embedding));
  return { vectors, inputTokens: parsed.data.usage?.prompt_tokens ?? 0, model: parsed.data.model ?? undefined };
}
