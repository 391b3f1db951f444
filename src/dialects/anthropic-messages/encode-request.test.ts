import { describe, expect, it } from 'vitest';
import type { ChatRequest, Message } from '../../canonical/chat-request.js';
import type { UpstreamTarget } from '../dialect.js';
import { decodeRequest } from './decode-request.js';
import { encodeRequest } from './encode-request.js';
import { claudeCodeRequest } from './test-support/claude-code-request.js';

function canonical(patch: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'auto',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: [],
    stopSequences: [],
    stream: true,
    includeUsage: true,
    warnings: [],
    source: { dialect: 'openai-chat', body: {}, raw: Buffer.from('{}'), headers: {} },
    ...patch,
  };
}

const target: UpstreamTarget = { model: 'claude-sonnet-4-5', stream: true };

describe('encodeRequest', () => {
  it('writes the minimal body with the target model and the fallback max_tokens', () => {
    expect(encodeRequest(canonical(), target)).toEqual({
      body: {
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        stream: true,
      },
      warnings: [],
    });
  });

  it('prefers the caller limit, then the provider default', () => {
    expect(encodeRequest(canonical({ maxOutputTokens: 300 }), { ...target, defaultMaxOutputTokens: 8000 }).body.max_tokens).toBe(300);
    expect(encodeRequest(canonical(), { ...target, defaultMaxOutputTokens: 8000 }).body.max_tokens).toBe(8000);
  });

  it('writes system text blocks, skipping empty ones', () => {
    const { body } = encodeRequest(
      canonical({ system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: '' }, { type: 'text', text: 'Use tools.' }] }),
      target,
    );
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use tools.' },
    ]);
    expect('system' in encodeRequest(canonical({ system: [{ type: 'text', text: '' }] }), target).body).toBe(false);
  });

  it('puts tool results first in their user turn, merges turns and never sends empty text', () => {
    const messages: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: '' },
          { type: 'tool-call', callId: 'call_1', name: 'weather', argumentsJson: '{"city":"Paris"}' },
          { type: 'tool-call', callId: 'call_2', name: 'weather', argumentsJson: '' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'also, hurry' },
          { type: 'tool-result', callId: 'call_1', content: [{ type: 'text', text: '21C' }], isError: false },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: '' },
          {
            type: 'tool-result',
            callId: 'call_2',
            isError: true,
            content: [
              { type: 'text', text: 'timeout' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/e.png' } },
            ],
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: '' }] },
      { role: 'user', content: [{ type: 'tool-result', callId: 'call_3', content: [{ type: 'text', text: '' }], isError: false }] },
    ];
    const { body, warnings } = encodeRequest(canonical({ messages }), target);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '21C' },
          {
            type: 'tool_result',
            tool_use_id: 'call_2',
            is_error: true,
            content: [
              { type: 'text', text: 'timeout' },
              { type: 'image', source: { type: 'url', url: 'https://example.com/e.png' } },
            ],
          },
          { type: 'tool_result', tool_use_id: 'call_3' },
          { type: 'text', text: 'also, hurry' },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('sends {} for arguments that are not a JSON object, with a warning, and never throws', () => {
    const messages: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', callId: 'call_a', name: 'f', argumentsJson: '{"city": "Par' },
          { type: 'tool-call', callId: 'call_b', name: 'g', argumentsJson: '[1,2]' },
        ],
      },
    ];
    const { body, warnings } = encodeRequest(canonical({ messages }), target);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_a', name: 'f', input: {} },
          { type: 'tool_use', id: 'call_b', name: 'g', input: {} },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'Tool call call_a (f) had arguments that are not a JSON object; sent {}',
      'Tool call call_b (g) had arguments that are not a JSON object; sent {}',
    ]);
  });

  it('sends signed and redacted reasoning back and drops unsigned reasoning with one warning', () => {
    const messages: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'local model thoughts' },
          { type: 'reasoning', text: 'signed', signature: 'sig-1' },
          { type: 'reasoning', text: '', redactedData: 'EmwK' },
          { type: 'text', text: 'answer' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'q2' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'more local thoughts' }] },
      { role: 'user', content: [{ type: 'text', text: 'q3' }] },
    ];
    const { body, warnings } = encodeRequest(canonical({ messages }), target);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'signed', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'EmwK' },
          { type: 'text', text: 'answer' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q2' },
          { type: 'text', text: 'q3' },
        ],
      },
    ]);
    expect(warnings).toEqual(['Dropped reasoning without a signature from assistant turns: Anthropic rejects unsigned thinking']);
  });

  it('writes images and documents', () => {
    const messages: Message[] = [
      {
        role: 'user',
        content: [
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
          { type: 'document', filename: 'a.pdf', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' } },
          { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('notes').toString('base64') } },
          { type: 'document', source: { kind: 'url', url: 'https://example.com/b.pdf' } },
        ],
      },
    ];
    expect(encodeRequest(canonical({ messages }), target).body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
          { type: 'document', title: 'a.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/b.pdf' } },
        ],
      },
    ]);
  });

  const tools = [{ name: 'weather', description: 'Weather by city', inputSchema: { type: 'object' } }];

  it.each([
    [{}, undefined],
    [{ toolChoice: { type: 'auto' } }, { type: 'auto' }],
    [{ toolChoice: { type: 'required' } }, { type: 'any' }],
    [{ toolChoice: { type: 'none' } }, { type: 'none' }],
    [{ toolChoice: { type: 'tool', name: 'weather' } }, { type: 'tool', name: 'weather' }],
    [{ parallelToolCalls: false }, { type: 'auto', disable_parallel_tool_use: true }],
    [{ parallelToolCalls: true }, undefined],
    [{ toolChoice: { type: 'required' }, parallelToolCalls: false }, { type: 'any', disable_parallel_tool_use: true }],
  ] as Array<[Partial<ChatRequest>, unknown]>)('writes tools with %j as tool_choice %j', (patch, expected) => {
    const { body } = encodeRequest(canonical({ tools, ...patch }), target);
    expect(body.tools).toEqual([{ name: 'weather', description: 'Weather by city', input_schema: { type: 'object' } }]);
    expect(body.tool_choice).toEqual(expected);
  });

  it('writes no tool_choice when there are no tools', () => {
    const { body } = encodeRequest(canonical({ toolChoice: { type: 'required' }, parallelToolCalls: false }), target);
    expect('tools' in body || 'tool_choice' in body).toBe(false);
  });

  it.each([
    [1.7, 1, true],
    [-0.5, 0, true],
    [0.3, 0.3, false],
    [1, 1, false],
  ])('clamps temperature %d to %d', (given, sent, warned) => {
    const { body, warnings } = encodeRequest(canonical({ temperature: given, topP: 0.5, topK: 20, stopSequences: ['##'] }), target);
    expect(body).toMatchObject({ temperature: sent, top_p: 0.5, top_k: 20, stop_sequences: ['##'] });
    expect(warnings.length).toBe(warned ? 1 : 0);
  });

  it.each([
    ['minimal', 'low'],
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['xhigh', 'xhigh'],
    ['max', 'max'],
  ] as const)('maps reasoning effort %s to output_config.effort %s', (effort, wire) => {
    expect(encodeRequest(canonical({ reasoning: { effort } }), target).body.output_config).toEqual({ effort: wire });
  });

  it('omits effort none, and writes the thinking budget and the JSON schema format', () => {
    expect('output_config' in encodeRequest(canonical({ reasoning: { effort: 'none' } }), target).body).toBe(false);
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const { body } = encodeRequest(
      canonical({ reasoning: { budgetTokens: 2048, effort: 'high' }, responseFormat: { type: 'json-schema', name: 'x', schema } }),
      target,
    );
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(body.output_config).toEqual({ effort: 'high', format: { type: 'json_schema', schema } });
  });

  it('drops json-object format with a warning, and writes the end user and stream flag', () => {
    const { body, warnings } = encodeRequest(canonical({ responseFormat: { type: 'json-object' }, endUserId: 'u-1' }), {
      ...target,
      stream: false,
    });
    expect('output_config' in body).toBe(false);
    expect(body.metadata).toEqual({ user_id: 'u-1' });
    expect(body.stream).toBe(false);
    expect(warnings).toEqual(['response_format json_object has no Anthropic equivalent without a schema; dropped']);
  });

  it('round-trips a decoded Claude Code request to an equivalent Anthropic body', () => {
    const decoded = decodeRequest(claudeCodeRequest());
    const { body, warnings } = encodeRequest(decoded, { model: 'claude-sonnet-4-5', stream: true });
    expect(warnings).toEqual([]);
    expect(body.system).toEqual([
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.fa0; cc_entrypoint=cli' },
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Working directory: /repo' },
      { type: 'text', text: 'The user switched to plan mode.' },
    ]);
    expect(body.messages).toEqual([
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
          { type: 'thinking', thinking: 'I should read the test first.', signature: 'sig-abc' },
          { type: 'text', text: 'Reading the test.' },
          { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/repo/a.test.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01',
            is_error: true,
            content: [
              { type: 'text', text: 'ENOENT: no such file' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
          },
        ],
      },
    ]);
    expect(body).toMatchObject({ max_tokens: 32000, output_config: { effort: 'high' }, metadata: { user_id: expect.any(String) } });
  });
});
