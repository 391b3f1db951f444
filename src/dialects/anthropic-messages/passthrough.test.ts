import { describe, expect, it } from 'vitest';
import { createAnthropicMessagesDialect } from './index.js';
import { claudeCodeRequest } from './test-support/claude-code-request.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

describe('preparePassthrough', () => {
  const dialect = createAnthropicMessagesDialect(scriptedDeps());

  it('relays the raw bytes untouched when the model is unchanged', () => {
    const request = dialect.decodeRequest(claudeCodeRequest());
    // The HTTP surface puts the caller's exact bytes here, padding and key order included.
    const raw = Buffer.from(`{ "model" : "claude-sonnet-4-5", ${JSON.stringify(claudeCodeRequest()).slice(1)}`);
    const prepared = dialect.preparePassthrough({ ...request, source: { ...request.source, raw } }, 'claude-sonnet-4-5');
    expect(prepared.body).toBe(raw);
    expect(prepared.stripUsageOnlyEvents).toBe(false);
  });

  it('replaces only the model, keeping every other field (server tools, betas, context management)', () => {
    const body = { ...claudeCodeRequest(), tools: [{ type: 'web_search_20250305', name: 'web_search' }] };
    const request = dialect.decodeRequest(body);
    const prepared = dialect.preparePassthrough(request, 'claude-opus-4-1');
    expect(typeof prepared.body).toBe('string');
    const sent = JSON.parse(prepared.body.toString()) as Record<string, unknown>;
    expect(sent).toEqual({ ...body, model: 'claude-opus-4-1' });
    expect(Object.keys(sent)).toEqual(Object.keys(body));
    expect(prepared.stripUsageOnlyEvents).toBe(false);
  });

  it('exposes the dialect id', () => {
    expect(dialect.id).toBe('anthropic-messages');
  });
});
