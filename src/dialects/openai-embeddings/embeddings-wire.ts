import { z } from 'zod';
import type { EmbeddingRequest, EmbeddingResult } from '../../canonical/embeddings.js';
import { vectorToBase64 } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import { errorFromZod } from '../openai-chat/request-error.js';

/**
 * OpenAI `POST /v1/embeddings`, both directions.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
const requestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number().int()), z.array(z.array(z.number().int()))], {
    error: 'must be a string or an array of strings',
  }),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().nullish(),
});

/** OpenAI's own limit on inputs per request. */
const MAX_INPUTS = 2048;

export type EncodingFormat = 'float' | 'base64';

export interface DecodedEmbeddingRequest {
  request: EmbeddingRequest;
  encodingFormat: EncodingFormat;
}

export function decodeEmbeddingRequest(body: unknown): DecodedEmbeddingRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) throw errorFromZod(parsed.error, body);
  const { input, model, dimensions, encoding_format: format } = parsed.data;
  if (typeof input !== 'string' && !input.every((item): item is string => typeof item === 'string')) {
    // Token arrays only make sense for one tokenizer; each provider has its own.
    throw new GatewayError('invalid_request', "Token-array input is not supported: send 'input' as text.", { param: 'input' });
  }
  const texts = typeof input === 'string' ? [input] : input;
  if (texts.length > MAX_INPUTS) throw new GatewayError('invalid_request', `'input' may hold at most ${MAX_INPUTS} texts.`, { param: 'input' });
  if (texts.some((text) => text === '')) throw new GatewayError('invalid_request', "'input' must not contain empty strings.", { param: 'input' });
  return {
    request: { model, input: texts, ...(dimensions == null ? {} : { dimensions }), body },
    encodingFormat: format ?? 'float',
  };
}

/** The answer in the format the caller asked for, whatever the upstream sent. */
export function encodeEmbeddingResponse(result: EmbeddingResult, format: EncodingFormat): JsonObject {
  return {
    object: 'list',
    data: result.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? vectorToBase64(vector) : Array.from(vector),
    })),
    model: result.model,
    usage: { prompt_tokens: result.inputTokens, total_tokens: result.inputTokens },
  };
}
