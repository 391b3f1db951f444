import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { containsSecret, findSecrets, redactSecrets } from './secret-scan.js';

const random = (bytes: number, encoding: 'base64url' | 'hex' | 'base64' = 'base64url'): string => randomBytes(bytes).toString(encoding);

describe('secrets pasted into the Admin Agent conversation', () => {
  it('finds the known key formats and names them', () => {
    const cases: Array<[string, string]> = [
      [`sk-ant-api03-${random(40)}`, 'an Anthropic API key'],
      [`sk-proj-${random(40)}`, 'an OpenAI API key'],
      [`sk-${random(36)}`, 'an OpenAI API key'],
      [`ghp_${'aB3'.repeat(12)}`, 'a GitHub token'],
      ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
      [`axk_${random(32)}`, 'an Auxot key'],
      ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'a private key'],
    ];
    for (const [secret, kind] of cases) {
      const text = `here you go: ${secret} thanks`;
      const found = findSecrets(text);
      expect(found, secret).toHaveLength(1);
      expect(found[0]?.kind).toBe(kind);
      expect(redactSecrets(text)).toBe(`here you go: [removed: ${kind}] thanks`);
    }
  });

  it('finds random tokens of unknown formats by their entropy, in 200 random draws', () => {
    for (let draw = 0; draw < 200; draw++) {
      const token = draw % 2 === 0 ? random(24) : random(20, 'base64');
      const text = `the key is ${token}`;
      expect(redactSecrets(text), token).not.toContain(token);
    }
  });

  it('leaves ordinary administration text alone', () => {
    const plain = [
      'Add our 4×A100 server at gpu-rack.internal and set up Anthropic as our cloud fallback.',
      'Create an Engineering team with interactive priority and 50 req/min.',
      'Route coding requests to https://gpu-rack.internal:8080/v1/chat/completions first',
      'use model claude-sonnet-4-5-20250929 and gpt-4.1-mini-2025-04-14 for the data-science team',
      'the provider anthropic-cloud-fallback-eu-west-1 and team platform-engineering-interactive',
      'Validate everything and go live.',
    ];
    for (const text of plain) expect(findSecrets(text), text).toEqual([]);
  });

  it('looks through nested tool arguments', () => {
    expect(containsSecret({ name: 'cloud', settings: { headers: [`Bearer ${random(30)}`] } })).toBe(true);
    expect(containsSecret({ name: 'cloud', kind: 'anthropic', apiKeySlot: 'anthropic-api-key' })).toBe(false);
    // Configuration that only looks random: a pinned tool hash, a path through a mktemp directory.
    expect(containsSecret({ connection: 'github', tools: [{ name: 'echo', hash: 'a3f1c9e07b5d2846f0e1d9c3b7a5f2e4d6c8b0a1f3e5d7c9b1a3f5e7d9c1b3a5' }] })).toBe(false);
    expect(containsSecret({ transport: { type: 'stdio', args: ['/tmp/tmp.URfkidWumA/node_modules/@modelcontextprotocol/server-everything/dist/index.js'] } })).toBe(false);
  });
});
