import type { JsonObject } from './json.js';

/**
 * One embeddings request in every provider's terms: the texts, and the caller's own body for
 * upstreams that speak OpenAI's `/embeddings` themselves (so `user`, `dimensions` and the rest
 * reach them unchanged).
 */
export interface EmbeddingRequest {
  /** The model or route alias the caller asked for. */
  model: string;
  input: string[];
  /** OpenAI's `dimensions`: shorten each vector to this many numbers. */
  dimensions?: number;
  body: JsonObject;
  /** The caller's `via` chain, so an upstream that is another Auxot can refuse a loop. */
  via?: string;
}

/** A vector as an upstream gave it: JSON numbers, or float32 decoded from base64. */
export type EmbeddingVector = readonly number[] | Float32Array;

export interface EmbeddingResult {
  vectors: EmbeddingVector[];
  inputTokens: number;
  /** The model the upstream says it ran. */
  model: string;
  /** Set by worker providers: which worker answered. */
  workerId?: string;
}

/** Little-endian float32, base64: OpenAI's `encoding_format: "base64"` (the `openai` SDK's default). */
export function vectorToBase64(vector: EmbeddingVector): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index] ?? 0, index * 4);
  return bytes.toString('base64');
}

export function vectorFromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const vector = new Float32Array(Math.floor(bytes.length / 4));
  for (let index = 0; index < vector.length; index++) vector[index] = bytes.readFloatLE(index * 4);
  return vector;
}

/**
 * Unit length after keeping the first `dimensions` numbers: OpenAI's `dimensions` for a model with no
 * native shortening, scaled back to unit length as OpenAI does for its text-embedding-3
 * models (a Matryoshka-trained model keeps its meaning; others at least keep cosine geometry).
 */
export function shortenVector(vector: EmbeddingVector, dimensions: number): number[] {
  const kept = Array.from(vector.slice(0, dimensions));
  const norm = Math.hypot(...kept);
  return norm === 0 ? kept : kept.map((value) => value / norm);
}
