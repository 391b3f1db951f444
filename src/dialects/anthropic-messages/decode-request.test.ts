import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { decodeRequest } from './decode-request.js';
import { claudeCodeRequest } from './test-support/claude-code-request.js';

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

function decodeError(body: unknown): GatewayError {
  try {
    decodeRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected decodeRequest to throw');
}

describe('decodeRequest: a Claude Code request', () => {
  const body = claudeCodeRequest();
  const request = decodeRequest(body);

  it('keeps the system blocks and folds the in-array system message after them', () => {
    expect(request.system).toEqual([
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.fa0; cc_entrypoint=cli' },
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Working directory: /repo' },
      { type: 'text', text: 'The user switched to plan mode.' },
    ]);
  });

  it('decodes the turns, skipping empty text and removing the system message', () => {
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Fix the failing test.' },
          { type: 'text', text: '<system-reminder>todo list is empty</system-reminder>' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'I should read the test first.', signature: 'sig-abc' },
          { type: 'text', text: 'Reading the test.' },
          { type: 'tool-call', callId: 'toolu_01', name: 'Read', argumentsJson: '{"file_path":"/repo/a.test.ts"}' },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool-result',
            callId: 'toolu_01',
            isError: true,
            content: [
              { type: 'text', text: 'ENOENT: no such file' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
          },
        ],
      },
    ]);
  });

  it('keeps tools without a type, dropping Anthropic-only hints', () => {
    expect(request.tools).toEqual([
      {
        name: 'Read',
        description: 'Reads a file from the local filesystem.',
        inputSchema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { file_path: { type: 'string' } },
          required: ['file_path'],
          additionalProperties: false,
        },
      },
      {
        name: 'ToolSearch',
        description: 'Loads deferred tools.',
        inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
      },
    ]);
  });

  it('treats the explicit nulls as absent and maps the options', () => {
    expect(request.model).toBe('claude-sonnet-4-5');
    expect(request.maxOutputTokens).toBe(32000);
    expect(request.toolChoice).toBeUndefined();
    expect(request.parallelToolCalls).toBeUndefined();
    expect('temperature' in request).toBe(false);
    expect(request.reasoning).toEqual({ effort: 'high' });
    expect(request.responseFormat).toBeUndefined();
    expect(request.endUserId).toBe('{"device_id":"d-1","account_uuid":"","session_id":"s-1"}');
    expect(request.stream).toBe(true);
    expect(request.includeUsage).toBe(false);
    expect(request.stopSequences).toEqual([]);
    expect(request.warnings).toEqual([]);
  });

  it('keeps the whole body, unknown fields included, as the source', () => {
    expect(request.source.dialect).toBe('anthropic-messages');
    expect(request.source.body).toBe(body);
    expect(request.source.body.context_management).toEqual({ edits: [{ type: 'clear_thinking_20251015' }] });
    expect(JSON.parse(request.source.raw.toString('utf8'))).toEqual(body);
    expect(request.source.headers).toEqual({});
  });
});

describe('decodeRequest: content', () => {
  it('accepts string system and string content, and defaults stream to false', () => {
    const request = decodeRequest(minimal({ system: 'Be brief.' }));
    expect(request.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    expect(request.stream).toBe(false);
    expect(request.tools).toEqual([]);
  });

  it('decodes tool results with string content, without content, and is_error defaulting to false', () => {
    const request = decodeRequest(
      minimal({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_a', content: '42' },
              { type: 'tool_result', tool_use_id: 'toolu_b', is_error: null },
              { type: 'tool_result', tool_use_id: 'toolu_c', content: [{ type: 'search_result', source: 'x' }] },
            ],
          },
        ],
      }),
    );
    expect(request.messages[0]?.content).toEqual([
      { type: 'tool-result', callId: 'toolu_a', content: [{ type: 'text', text: '42' }], isError: false },
      { type: 'tool-result', callId: 'toolu_b', content: [], isError: false },
      { type: 'tool-result', callId: 'toolu_c', content: [], isError: false },
    ]);
    expect(request.warnings).toEqual([
      'Dropped a "search_result" block at messages.0.content.2.content.0: it has no equivalent outside Anthropic',
    ]);
  });

  it('decodes images and documents of every inline kind', () => {
    const request = decodeRequest(
      minimal({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
              { type: 'document', title: 'spec.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
              { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
              { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'chunk' }] } },
            ],
          },
        ],
      }),
    );
    expect(request.messages[0]?.content).toEqual([
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
      { type: 'document', filename: 'spec.pdf', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
      { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } },
      { type: 'text', text: 'plain words' },
      { type: 'text', text: 'chunk' },
    ]);
  });

  it('decodes redacted thinking, drops an empty signature, and drops server tool blocks with a warning', () => {
    const request = decodeRequest(
      minimal({
        messages: [
          { role: 'user', content: 'search' },
          {
            role: 'assistant',
            content: [
              { type: 'redacted_thinking', data: 'EmwKAhgB' },
              { type: 'thinking', thinking: 'from another provider', signature: '' },
              { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
              { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
              { type: 'text', text: 'Found it.' },
            ],
          },
        ],
      }),
    );
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: '', redactedData: 'EmwKAhgB' },
        { type: 'reasoning', text: 'from another provider' },
        { type: 'text', text: 'Found it.' },
      ],
    });
    expect(request.warnings).toEqual([
      'Dropped a "server_tool_use" block at messages.1.content.2: it has no equivalent outside Anthropic',
      'Dropped a "web_search_tool_result" block at messages.1.content.3: it has no equivalent outside Anthropic',
    ]);
  });

  it('merges consecutive same-role turns, also across removed system and empty messages', () => {
    const request = decodeRequest(
      minimal({
        messages: [
          { role: 'user', content: 'one' },
          { role: 'system', content: [{ type: 'text', text: 'note' }] },
          { role: 'user', content: [{ type: 'text', text: 'two' }] },
          { role: 'assistant', content: '' },
          { role: 'user', content: 'three' },
          { role: 'assistant', content: 'a' },
          { role: 'assistant', content: [{ type: 'text', text: 'b' }] },
        ],
      }),
    );
    expect(request.system).toEqual([{ type: 'text', text: 'note' }]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
          { type: 'text', text: 'three' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    ]);
  });
});

describe('decodeRequest: options', () => {
  it('drops server tools with a warning and keeps typed custom tools', () => {
    const request = decodeRequest(
      minimal({
        tools: [
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
          { type: 'bash_20250124', name: 'bash' },
          { type: 'custom', name: 'lookup', input_schema: { type: 'object' } },
          { type: null, name: 'plain', description: null, input_schema: { type: 'object' } },
        ],
      }),
    );
    expect(request.tools).toEqual([
      { name: 'lookup', inputSchema: { type: 'object' } },
      { name: 'plain', inputSchema: { type: 'object' } },
    ]);
    expect(request.warnings).toEqual([
      'Dropped server tool "web_search_20250305" at tools.0: only Anthropic can run it',
      'Dropped server tool "bash_20250124" at tools.1: only Anthropic can run it',
    ]);
    expect((request.source.body.tools as unknown[]).length).toBe(4);
  });

  it.each([
    [{ type: 'auto' }, { toolChoice: { type: 'auto' } }],
    [{ type: 'any' }, { toolChoice: { type: 'required' } }],
    [{ type: 'none' }, { toolChoice: { type: 'none' } }],
    [{ type: 'tool', name: 'Read' }, { toolChoice: { type: 'tool', name: 'Read' } }],
    [{ type: 'auto', disable_parallel_tool_use: true }, { toolChoice: { type: 'auto' }, parallelToolCalls: false }],
    [{ type: 'any', disable_parallel_tool_use: false }, { toolChoice: { type: 'required' } }],
  ])('maps tool_choice %j', (toolChoice, expected) => {
    const request = decodeRequest(minimal({ tool_choice: toolChoice }));
    expect({ toolChoice: request.toolChoice, parallelToolCalls: request.parallelToolCalls }).toEqual({
      parallelToolCalls: undefined,
      ...expected,
    });
  });

  it('maps sampling, stops, thinking budget, structured output and the end user', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const request = decodeRequest(
      minimal({
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ['END'],
        thinking: { type: 'enabled', budget_tokens: 2048 },
        output_config: { effort: 'max', format: { type: 'json_schema', schema } },
        metadata: { user_id: 'user-7' },
        stream: false,
      }),
    );
    const expected: Partial<ChatRequest> = {
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      reasoning: { budgetTokens: 2048, effort: 'max' },
      responseFormat: { type: 'json-schema', schema },
      endUserId: 'user-7',
      stream: false,
    };
    expect(request).toMatchObject(expected);
  });

  it('carries nothing for adaptive or disabled thinking, and warns about what it does not understand', () => {
    expect(decodeRequest(minimal({ thinking: { type: 'disabled' } })).reasoning).toBeUndefined();
    const request = decodeRequest(
      minimal({ thinking: { type: 'interleaved' }, output_config: { effort: 'extreme', format: { type: 'regex' } } }),
    );
    expect(request.reasoning).toBeUndefined();
    expect(request.responseFormat).toBeUndefined();
    expect(request.warnings).toEqual([
      'Ignored thinking.type "interleaved": not understood',
      'Ignored output_config.effort "extreme": not understood',
      'Ignored output_config.format of type "regex": not understood',
    ]);
  });
});

describe('decodeRequest: rejections', () => {
  it.each([null, [], 'text', 42])('rejects a body that is not an object (%j)', (body) => {
    const error = decodeError(body);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Invalid request: the body must be a JSON object');
    expect(error.param).toBeUndefined();
  });

  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['missing model', { model: undefined }, 'model', /model is required/],
    ['a numeric model', { model: 5 }, 'model', /model must be a string/],
    ['missing max_tokens', { max_tokens: undefined }, 'max_tokens', /max_tokens is required/],
    ['null max_tokens', { max_tokens: null }, 'max_tokens', /max_tokens is required/],
    ['zero max_tokens', { max_tokens: 0 }, 'max_tokens', /max_tokens must be greater than 0/],
    ['fractional max_tokens', { max_tokens: 1.5 }, 'max_tokens', /max_tokens must be an integer/],
    ['missing messages', { messages: undefined }, 'messages', /messages is required/],
    ['empty messages', { messages: [] }, 'messages', /messages must not be empty/],
    ['only system messages', { messages: [{ role: 'system', content: 'x' }] }, 'messages', /at least one user or assistant/],
    ['an unknown role', { messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.role', /must be one of "user", "assistant", "system"/],
    ['numeric content', { messages: [{ role: 'user', content: 5 }] }, 'messages.0.content', /string or an array/],
    ['missing content', { messages: [{ role: 'user' }] }, 'messages.0.content', /content is required/],
    [
      'a text block without text',
      { messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages.0.content.0.text',
      /text is required/,
    ],
    [
      'a tool_result without tool_use_id',
      { messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      'messages.0.content.0.tool_use_id',
      /tool_use_id is required/,
    ],
    [
      'an image without source',
      { messages: [{ role: 'user', content: [{ type: 'image' }] }] },
      'messages.0.content.0.source',
      /source is required/,
    ],
    [
      'an image with a file source',
      { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] },
      'messages.0.content.0.source',
      /"file" is not supported/,
    ],
    [
      'a document with a file source',
      { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'file', file_id: 'file_1' } }] }] },
      'messages.0.content.0.source',
      /"file" is not supported/,
    ],
    [
      'a tool_use whose input is not an object',
      { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '[]' }] }] },
      'messages.1.content.0.input',
      /input must be an object/,
    ],
    ['a non-text system block', { system: [{ type: 'image' }] }, 'system.0.type', /must be one of "text"/],
    ['a string temperature', { temperature: 'hot' }, 'temperature', /temperature must be a number/],
    ['a negative top_k', { top_k: -1 }, 'top_k', /top_k must be at least 0/],
    ['a string stop_sequences', { stop_sequences: 'END' }, 'stop_sequences', /must be an array/],
    ['an unknown tool_choice', { tool_choice: { type: 'sometimes' } }, 'tool_choice.type', /must be one of "auto", "any", "none", "tool"/],
    ['a named tool_choice without name', { tool_choice: { type: 'tool' } }, 'tool_choice.name', /name is required/],
    ['a tool without input_schema', { tools: [{ name: 'x' }] }, 'tools.0.input_schema', /input_schema is required/],
    ['a tool without name', { tools: [{ input_schema: {} }] }, 'tools.0.name', /name is required/],
    ['enabled thinking without budget', { thinking: { type: 'enabled' } }, 'thinking.budget_tokens', /required when/],
    [
      'a json_schema format without schema',
      { output_config: { format: { type: 'json_schema' } } },
      'output_config.format.schema',
      /required when/,
    ],
    ['a non-string user_id', { metadata: { user_id: 7 } }, 'metadata.user_id', /must be a string/],
    ['a non-boolean stream', { stream: 'yes' }, 'stream', /must be a boolean/],
  ];

  it.each(cases)('rejects %s', (_name, patch, param, message) => {
    const error = decodeError(minimal(patch));
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(param);
    expect(error.retryable).toBe(false);
  });
});
