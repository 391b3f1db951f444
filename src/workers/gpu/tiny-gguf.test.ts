import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, test } from 'vitest';
import { tinyChatTemplate, writeTinyGguf } from '../../../test/support/make-tiny-gguf.js';

const dir = mkdtempSync(join(tmpdir(), 'auxot-gguf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTinyGguf', () => {
  test('the default file matches the reference recipe: 469,472 bytes, 21 tensors, 19 metadata keys', async () => {
    const path = join(dir, 'tiny.gguf');
    writeTinyGguf(path);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(469_472);
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.readBigUInt64LE(8)).toBe(21n);
    expect(bytes.readBigUInt64LE(16)).toBe(19n);
    // This generator's own output, pinned so that a change to the bytes is noticed.
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('941c5a63ea6e9e7fd2196ae22696514d4b81f14c6deb075e0d5cb30840817e36');

    const info = await readGgufFileInfo(path);
    expect(info.infoEndOffset).toBe(7_904);
    expect(info.tensorInfo?.map((tensor) => tensor.name).slice(0, 5)).toEqual([
      'token_embd.weight',
      'output_norm.weight',
      'output.weight',
      'blk.0.attn_norm.weight',
      'blk.0.ffn_norm.weight',
    ]);
    expect(info.tensorInfo?.find((tensor) => tensor.name === 'blk.1.ffn_down.weight')?.dimensions).toEqual([128, 64]);
    expect(info.architectureMetadata).toMatchObject({
      context_length: 512,
      embedding_length: 64,
      block_count: 2,
      feed_forward_length: 128,
      attention: { head_count: 4, head_count_kv: 4 },
      rope: { dimension_count: 16 },
    });
    const tokenizer = info.metadata.tokenizer?.ggml;
    expect(tokenizer?.tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokenizer?.tokens.at(-1)).toBe('<0xFF>');
    expect(tokenizer?.add_space_prefix).toBe(false);
    expect(info.metadata.tokenizer?.chat_template).toBe(tinyChatTemplate);
  });

  test('the same seed writes the same bytes; another seed other weights', () => {
    writeTinyGguf(join(dir, 'a.gguf'));
    writeTinyGguf(join(dir, 'b.gguf'), { seed: 7 });
    const a = readFileSync(join(dir, 'a.gguf'));
    expect(readFileSync(join(dir, 'tiny.gguf')).equals(a)).toBe(true);
    const b = readFileSync(join(dir, 'b.gguf'));
    expect(b.length).toBe(a.length);
    expect(b.equals(a)).toBe(false);
  });

  test('node-llama-cpp loads the default and a larger variant', async () => {
    const larger = join(dir, 'larger.gguf');
    writeTinyGguf(larger, { embeddingLength: 128, feedForwardLength: 256, blockCount: 3, contextLength: 1024 });
    const largerInfo = await readGgufFileInfo(larger);
    expect(largerInfo.tensorInfo).toHaveLength(3 + 3 * 9);
    const llama = await getLlama({ gpu: false, build: 'never' });
    try {
      const model = await llama.loadModel({ modelPath: join(dir, 'tiny.gguf') });
      expect(model.trainContextSize).toBe(512);
      expect(model.tokens.bos).toBe(1);
      expect(model.tokens.eos).toBe(2);
      expect(model.tokenize('Hi')).toHaveLength(2);
      await model.dispose();
      const largerModel = await llama.loadModel({ modelPath: larger });
      expect(largerModel.trainContextSize).toBe(1024);
      expect(largerModel.embeddingVectorSize).toBe(128);
      await largerModel.dispose();
    } finally {
      await llama.dispose();
    }
  });
});
