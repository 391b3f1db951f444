import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for provider API keys: each secret gets its own data key (AES-256-GCM), the
 * data key is wrapped by the master key, and the additional data binds the ciphertext to its owner
 * (`provider:<id>`) so a sealed value copied onto another row fails to open.
 */
export class SecretBox {
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  }

  seal(plaintext: string, owner: string): string {
    const dataKey = randomBytes(32);
    const sealedValue = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), owner);
    const wrappedKey = encrypt(this.masterKey, dataKey, `key:${owner}`);
    return JSON.stringify({ v: 1, key: wrappedKey, value: sealedValue });
  }

  /** Throws when the master key is wrong or the sealed value belongs to another owner. */
  open(sealed: string, owner: string): string {
    const envelope = JSON.parse(sealed) as { v: number; key: string; value: string };
    if (envelope.v !== 1) throw new Error(`unknown sealed secret version ${envelope.v}`);
    const dataKey = decrypt(this.masterKey, envelope.key, `key:${owner}`);
    return decrypt(dataKey, envelope.value, owner).toString('utf8');
  }
}

function encrypt(key: Buffer, plaintext: Buffer, additionalData: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]).toString('base64');
}

function decrypt(key: Buffer, sealed: string, additionalData: string): Buffer {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
}
