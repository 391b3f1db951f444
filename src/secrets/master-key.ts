import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * The key that wraps every stored secret. From the environment when given (base64 or hex of 32
 * bytes), else from a 0600 file in the data directory, created on first start.
 */
export function loadMasterKey(fromEnvironment: string | undefined, keyFile: string): Buffer {
  if (fromEnvironment !== undefined && fromEnvironment !== '') return decodeKey(fromEnvironment, 'AUXOT_MASTER_KEY');
  if (existsSync(keyFile)) return decodeKey(readFileSync(keyFile, 'utf8').trim(), keyFile);
  const key = randomBytes(32);
  writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return key;
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold a 32-byte key (base64 or hex)`);
  return key;
}
