import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceEngine } from '../inference-engine.js';
import { writeTinyModel, type TinyModel } from './test-support/tiny-engine.js';

/** Real llama.cpp embeddings (node-llama-cpp's embedding context) on a tiny random-weight embedding model (mean pooling). */
describe('llama.cpp engine embeddings', () => {
  let model: TinyModel;
  let engine: InferenceEngine;
  beforeAll(async () => {
    model = writeTinyModel({ poolingType: 1 });
    engine = await model.createEngine(1, 512);
  }, 60_000);
  afterAll(async () => model?.dispose());

  const embed = (input: string[], dimensions?: number) =>
    engine.embed!({ jobId: 'e1', model: 'tiny', input, signal: new AbortController().signal, ...(dimensions === undefined ? {} : { dimensions }) });

  it('gives one vector of the model’s width per text, deterministic, different for different texts, with token counts', async () => {
    const first = await embed(['hello world', 'something else entirely']);
    expect(first.vectors).toHaveLength(2);
    for (const vector of first.vectors) {
      expect(vector).toHaveLength(64);
      expect(Array.from(vector).every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...Array.from(vector))).toBeCloseTo(1, 5);
    }
    expect(Array.from(first.vectors[0]!)).not.toEqual(Array.from(first.vectors[1]!));
    // The byte-level vocabulary spends one token per character (plus the BOS token the tokenizer adds, if any).
    expect(first.inputTokens).toBeGreaterThanOrEqual('hello world'.length + 'something else entirely'.length);
    const again = await embed(['hello world']);
    expect(Array.from(again.vectors[0]!)).toEqual(Array.from(first.vectors[0]!));
  });

  it('shortens to `dimensions` at unit length, and refuses more than the model has', async () => {
    const short = await embed(['hello world'], 16);
    expect(short.vectors[0]).toHaveLength(16);
    expect(Math.hypot(...Array.from(short.vectors[0]!))).toBeCloseTo(1, 5);
    await expect(embed(['hello'], 65)).rejects.toMatchObject({ code: 'invalid_request', param: 'dimensions' });
  });
});
