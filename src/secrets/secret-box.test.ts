import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterKey } from './master-key.js';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = box.seal('sk-canary-123456', 'provider:a');
    expect(sealed).not.toContain('sk-canary');
    expect(Buffer.from(sealed).toString('base64')).not.toContain(Buffer.from('sk-canary').toString('base64'));
    expect(box.open(sealed, 'provider:a')).toBe('sk-canary-123456');
  });

  it('refuses a sealed value moved to another owner (the additional data binds it)', () => {
    const sealed = box.seal('sk-canary', 'provider:a');
    expect(() => box.open(sealed, 'provider:b')).toThrow();
  });

  it('refuses to open with another master key', () => {
    const sealed = box.seal('sk-canary', 'provider:a');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'provider:a')).toThrow();
  });

  it('seals the same secret differently every time', () => {
    expect(box.seal('same', 'provider:a')).not.toBe(box.seal('same', 'provider:a'));
  });
});

describe('loadMasterKey', () => {
  it('creates a 0600 key file on first use and reads the same key afterwards', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'auxot-key-')), 'master.key');
    const first = loadMasterKey(undefined, file);
    expect(first.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMasterKey(undefined, file).equals(first)).toBe(true);
  });

  it('prefers the environment and rejects a key of the wrong size', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'auxot-key-')), 'master.key');
    const key = randomBytes(32);
    expect(loadMasterKey(key.toString('hex'), file).equals(key)).toBe(true);
    expect(loadMasterKey(key.toString('base64'), file).equals(key)).toBe(true);
    expect(() => loadMasterKey('c2hvcnQ=', file)).toThrow(/32-byte/);
  });
});
