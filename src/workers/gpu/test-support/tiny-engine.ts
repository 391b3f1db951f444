import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyGguf } from '../../../../test/support/make-tiny-gguf.js';
import type { InferenceEngine } from '../../inference-engine.js';
import { createLlamaEngine } from '../llama-engine.js';
import { counterIds } from './engine-jobs.js';

/**
 * The tiny random-weight GGUF in a temp dir, for engines on one CPU thread. A context of 1,024
 * (twice what the model was trained on) leaves room for the tool instructions, which its
 * byte-level vocabulary spends one token per character on.
 */
export interface TinyModel {
  readonly path: string;
  createEngine(slots: number, contextSize?: number): Promise<InferenceEngine>;
  /** Closes every engine created here and removes the file. */
  dispose(): Promise<void>;
}

export function writeTinyModel(options: Parameters<typeof writeTinyGguf>[1] = {}): TinyModel {
  const dir = mkdtempSync(join(tmpdir(), 'auxot-llama-'));
  const path = join(dir, 'tiny.gguf');
  writeTinyGguf(path, options);
  const engines: InferenceEngine[] = [];
  return {
    path,
    createEngine: async (slots, contextSize = 1024) => {
      const engine = await createLlamaEngine({
        modelPath: path,
        modelName: 'tiny',
        slots,
        contextSize,
        threads: 1,
        gpu: false,
        newId: counterIds(),
      });
      engines.push(engine);
      return engine;
    },
    dispose: async () => {
      await Promise.all(engines.map((engine) => engine.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
