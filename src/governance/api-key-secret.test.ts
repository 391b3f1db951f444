import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeySecret, hashKeySecret } from './api-key-secret.js';

describe('hashKeySecret', () => {
  it('is SHA-256 in hex, so keys stored by any earlier version still authenticate', () => {
    // FIPS 180-2's test vector for "abc".
    expect(hashKeySecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes text as UTF-8, as the Hash object that stored earlier keys did', () => {
    for (const secret of [generateKeySecret('axk_'), 'axk_ключ-🔑', '']) {
      expect(hashKeySecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    }
  });
});
