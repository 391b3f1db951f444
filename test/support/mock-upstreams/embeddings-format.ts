import { createHash } from 'node:crypto';
import { isRecord } from './resolved-turn.js';

/**
 * `POST /v1/embeddings` the way api.openai.com answers it. The vectors are a deterministic function
 * of the text (so a test can compute what it must receive) and unit length, like OpenAI's.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

export function mockEmbedding(text: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, index) => (digest[index % digest.length] ?? 0) / 255 - 0.5 + index / 1000);
  const norm = Math.hypot(...raw) || 1;
  // Rounded through float32, as every real embedding is.
  return raw.map((value) => Math.fround(value / norm));
}

export function mockEmbeddingTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Little-endian float32, base64: what the SDK asks for by default and decodes itself. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

export function embeddingsBody(body: unknown, options: { floatOnly: boolean }): { status: number; body: Record<string, unknown> } {
  const request = isRecord(body) ? body : {};
  const input = request['input'];
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((item) => typeof item === 'string') ? input : undefined;
  if (typeof request['model'] !== 'string' || texts === undefined || texts.length === 0) {
    return { status: 400, body: { error: { message: "'input' must be a string or an array of strings", type: 'invalid_request_error', param: 'input', code: null } } };
  }
  const dimensions = typeof request['dimensions'] === 'number' ? request['dimensions'] : DEFAULT_EMBEDDING_DIMENSIONS;
  // Old llama.cpp builds ignore encoding_format and always answer floats (docs/wire-formats.md §6).
  const base64 = request['encoding_format'] === 'base64' && !options.floatOnly;
  const data = texts.map((text, index) => {
    const vector = mockEmbedding(text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const tokens = texts.reduce((sum, text) => sum + mockEmbeddingTokens(text), 0);
  return { status: 200, body: { object: 'list', data, model: request['model'], usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}
