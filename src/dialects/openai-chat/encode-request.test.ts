import { describe, expect, it } from 'vitest';
import type { UpstreamTarget } from '../dialect.js';
import { decodeRequest } from './decode-request.js';
import { encodeRequest } from './encode-request.js';
import { canonicalRequest } from './test-support/canonical-request.js';

const target: UpstreamTarget = { model: 'qwen3-coder', stream: false };

describe('encodeRequest', () => {
  it('joins system parts into one leading system message and drops the Claude Code billing header', () => {
    const { body } = encodeRequest(
      canonicalRequest({
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.fa0; cc_entrypoint=sdk-cli' },
          { type: 'text', text: 'You are Claude Code.' },
          { type: 'text', text: 'Folded mid-conversation rule.' },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      }),
      target,
    );
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are Claude Code.\n\nFolded mid-conversation rule.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('writes no system message when only the billing header was there', () => {
    const { body } = encodeRequest(
      canonicalRequest({
        system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      }),
      target,
    );
    expect(body.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('splits a user turn into tool messages first, then one user message with images moved out of results', () => {
    const png = { kind: 'base64' as const, mediaType: 'image/png', data: 'iVBO' };
    const { body } = encodeRequest(
      canonicalRequest({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking', signature: 'sig' },
              { type: 'tool-call', callId: 'toolu_1', name: 'read', argumentsJson: '{"path":"a"}' },
              { type: 'tool-call', callId: 'toolu_2', name: 'shot', argumentsJson: '{}' },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Here you go' },
              { type: 'tool-result', callId: 'toolu_1', content: [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }], isError: false },
              { type: 'tool-result', callId: 'toolu_2', content: [{ type: 'text', text: 'no display' }, { type: 'image', source: png }], isError: true },
            ],
          },
        ],
      }),
      target,
    );
    expect(body.messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'shot', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'line 1\n\nline 2' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: no display' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } },
          { type: 'text', text: 'Here you go' },
        ],
      },
    ]);
  });

  it('writes only tool messages when the turn holds nothing else', () => {
    const { body } = encodeRequest(
      canonicalRequest({ messages: [{ role: 'user', content: [{ type: 'tool-result', callId: 'c', content: [], isError: false }] }] }),
      target,
    );
    expect(body.messages).toEqual([{ role: 'tool', tool_call_id: 'c', content: '' }]);
  });

  it('encodes user parts: url images, documents as files, and drops URL documents with a warning', () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Read these' },
              { type: 'image', source: { kind: 'url', url: 'https://x.test/a.png' } },
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'a.pdf' },
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBF' } },
              { type: 'document', source: { kind: 'url', url: 'https://x.test/b.pdf' } },
            ],
          },
        ],
      }),
      target,
    );
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Read these' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBF', filename: 'document.pdf' } },
        ],
      },
    ]);
    expect(warnings).toEqual(['documents given by URL were dropped: Chat Completions takes only inline file data']);
  });

  it('joins assistant texts, keeps text beside tool calls, and warns once about dropped reasoning', () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({
        messages: [
          { role: 'assistant', content: [{ type: 'reasoning', text: 'r' }, { type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }] },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'r2' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Calling' }, { type: 'tool-call', callId: 'c', name: 'f', argumentsJson: '{}' }] },
        ],
      }),
      target,
    );
    expect(body.messages).toEqual([
      { role: 'assistant', content: 'Hello there' },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: 'Calling', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ]);
    expect(warnings).toEqual(['reasoning from earlier assistant turns was dropped']);
  });

  it('maps tools without $schema, tool choice and parallel_tool_calls only when tools exist', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false };
    const { body } = encodeRequest(
      canonicalRequest({
        tools: [{ name: 'search', description: 'Search', inputSchema: schema }, { name: 'noop', inputSchema: { type: 'object' } }],
        toolChoice: { type: 'tool', name: 'search' },
        parallelToolCalls: false,
      }),
      target,
    );
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'search', description: 'Search', parameters: { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false } } },
      { type: 'function', function: { name: 'noop', parameters: { type: 'object' } } },
    ]);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'search' } });
    expect(body.parallel_tool_calls).toBe(false);

    const withoutTools = encodeRequest(canonicalRequest({ toolChoice: { type: 'none' }, parallelToolCalls: true }), target).body;
    expect(withoutTools).not.toHaveProperty('tools');
    expect(withoutTools).not.toHaveProperty('tool_choice');
    expect(withoutTools).not.toHaveProperty('parallel_tool_calls');
  });

  it.each(['auto', 'none', 'required'] as const)('maps tool choice %s to its word', (type) => {
    const { body } = encodeRequest(canonicalRequest({ tools: [{ name: 'f', inputSchema: {} }], toolChoice: { type } }), target);
    expect(body.tool_choice).toBe(type);
  });

  it('writes the limit into the field the target names, defaulting to max_tokens', () => {
    const request = canonicalRequest({ maxOutputTokens: 64000 });
    expect(encodeRequest(request, target).body).toMatchObject({ max_tokens: 64000 });
    expect(encodeRequest(request, target).body).not.toHaveProperty('max_completion_tokens');
    const openAi = encodeRequest(request, { ...target, maxTokensField: 'max_completion_tokens' }).body;
    expect(openAi).toMatchObject({ max_completion_tokens: 64000 });
    expect(openAi).not.toHaveProperty('max_tokens');
  });

  it('always asks for usage when streaming, never when not', () => {
    const streaming = encodeRequest(canonicalRequest({ stream: true, includeUsage: false }), { model: 'm', stream: true }).body;
    expect(streaming.stream).toBe(true);
    expect(streaming.stream_options).toEqual({ include_usage: true });
    const plain = encodeRequest(canonicalRequest({ stream: true }), { model: 'm', stream: false }).body;
    expect(plain.stream).toBe(false);
    expect(plain).not.toHaveProperty('stream_options');
  });

  it('maps sampling, stops, format and user, and warns about what it drops', () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({
        model: 'coding',
        temperature: 0.3,
        topP: 0.8,
        topK: 40,
        stopSequences: ['###'],
        responseFormat: { type: 'json-schema', schema: { type: 'object' }, strict: true },
        endUserId: 'user-9',
        reasoning: { budgetTokens: 2048 },
        warnings: ['from the decoder'],
      }),
      target,
    );
    expect(body).toEqual({
      model: 'qwen3-coder',
      messages: [],
      temperature: 0.3,
      top_p: 0.8,
      stop: ['###'],
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' }, strict: true } },
      user: 'user-9',
      stream: false,
    });
    // Only what this encoding dropped: the decoder's own warnings stay on the request.
    expect(warnings).toEqual([
      'top_k is not supported by Chat Completions and was dropped',
      'reasoning options were dropped: not every OpenAI-compatible model accepts reasoning_effort',
    ]);
    expect(encodeRequest(canonicalRequest({ responseFormat: { type: 'json-object' } }), target).body.response_format).toEqual({ type: 'json_object' });
  });

  it('round-trips a decoded OpenAI conversation to the same messages', () => {
    const messages = [
      { role: 'system', content: 'Rules' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{"c":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '18C' },
      { role: 'assistant', content: 'It is 18C.' },
    ];
    const request = decodeRequest({ model: 'm', messages });
    expect(encodeRequest(request, target).body.messages).toEqual(messages);
  });
});
