import { describe, expect, it } from 'vitest';
import { decodeRequest } from './decode-request.js';

const user = (content: unknown) => ({ role: 'user', content });

function body(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4.1', messages: [user('Hi')], ...fields };
}

describe('decodeRequest: top-level fields', () => {
  it('maps a minimal body with defaults', () => {
    const input = body();
    const request = decodeRequest(input);
    expect(request).toEqual({
      model: 'gpt-4.1',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      stopSequences: [],
      stream: false,
      includeUsage: false,
      warnings: [],
      source: { dialect: 'openai-chat', body: input, raw: Buffer.from(JSON.stringify(input)), headers: {} },
    });
    expect(Object.keys(request.source)).toEqual(['dialect', 'body', 'raw', 'headers']);
  });

  it('maps sampling, limits, stop, reasoning, format, user and stream options', () => {
    const request = decodeRequest(
      body({
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 100,
        max_completion_tokens: 200,
        stop: 'END',
        reasoning_effort: 'high',
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
        user: 'legacy-user',
        safety_identifier: 'sid-1',
        stream: true,
        stream_options: { include_usage: true },
        parallel_tool_calls: false,
      }),
    );
    expect(request.temperature).toBe(0.2);
    expect(request.topP).toBe(0.9);
    expect(request.maxOutputTokens).toBe(200);
    expect(request.stopSequences).toEqual(['END']);
    expect(request.reasoning).toEqual({ effort: 'high' });
    expect(request.responseFormat).toEqual({ type: 'json-schema', name: 'answer', schema: { type: 'object' }, strict: true });
    expect(request.endUserId).toBe('sid-1');
    expect(request.stream).toBe(true);
    expect(request.includeUsage).toBe(true);
    expect(request.parallelToolCalls).toBe(false);
  });

  it('falls back to max_tokens and user, and takes a stop array', () => {
    const request = decodeRequest(body({ max_tokens: 50, user: 'u-7', stop: ['a', 'b'], response_format: { type: 'json_object' } }));
    expect(request.maxOutputTokens).toBe(50);
    expect(request.endUserId).toBe('u-7');
    expect(request.stopSequences).toEqual(['a', 'b']);
    expect(request.responseFormat).toEqual({ type: 'json-object' });
  });

  it('treats response_format text as no format', () => {
    expect(decodeRequest(body({ response_format: { type: 'text' } })).responseFormat).toBeUndefined();
  });

  it('treats explicit null exactly like an absent field', () => {
    const request = decodeRequest(
      body({
        temperature: null,
        top_p: null,
        max_tokens: null,
        max_completion_tokens: null,
        stop: null,
        tools: null,
        tool_choice: null,
        parallel_tool_calls: null,
        reasoning_effort: null,
        response_format: null,
        user: null,
        safety_identifier: null,
        stream: null,
        stream_options: null,
        n: null,
        seed: null,
        logit_bias: null,
        messages: [{ role: 'assistant', content: null, tool_calls: null, reasoning_content: null, refusal: null }, user('x')],
      }),
    );
    expect(request).toMatchObject({ tools: [], stopSequences: [], stream: false, includeUsage: false, warnings: [] });
    for (const key of ['temperature', 'topP', 'maxOutputTokens', 'toolChoice', 'parallelToolCalls', 'reasoning', 'responseFormat', 'endUserId']) {
      expect(request).not.toHaveProperty(key);
    }
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'x' }] }]);
  });

  it('keeps unknown top-level fields in source.body and warns about uncarried ones', () => {
    const input = body({ seed: 7, logit_bias: { '50256': -100 }, logprobs: true, n: 1, metadata: { a: 'b' }, x_custom: 1 });
    const request = decodeRequest(input);
    expect(request.source.body).toBe(input);
    expect(request.warnings).toEqual([
      '`logit_bias` is not carried across dialects',
      '`logprobs` is not carried across dialects',
      '`seed` is not carried across dialects',
      '`metadata` is not carried across dialects',
    ]);
  });
});

describe('decodeRequest: messages', () => {
  it('folds system and developer messages from anywhere into system, in order', () => {
    const request = decodeRequest(
      body({
        messages: [
          { role: 'system', content: 'Be brief.' },
          user('Hi'),
          { role: 'developer', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] },
          { role: 'assistant', content: 'Hello' },
          { role: 'system', content: 'Late rule.' },
          user('Again'),
        ],
      }),
    );
    expect(request.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'A' },
      { type: 'text', text: 'B' },
      { type: 'text', text: 'Late rule.' },
    ]);
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('maps user parts: text, data-URL and http images, inline files', () => {
    const request = decodeRequest(
      body({
        messages: [
          user([
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'auto' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'spec.pdf' } },
          ]),
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0=' } },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, filename: 'spec.pdf' },
        ],
      },
    ]);
    expect(request.warnings).toEqual([]);
  });

  it('warns when an image detail other than auto is dropped', () => {
    const request = decodeRequest(body({ messages: [user([{ type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'high' } }])] }));
    expect(request.warnings).toEqual(['image_url.detail was dropped']);
  });

  it('maps an assistant turn: reasoning first, text, then tool calls with arguments verbatim', () => {
    const request = decodeRequest(
      body({
        messages: [
          user('Weather?'),
          {
            role: 'assistant',
            reasoning_content: 'Need the tool.',
            content: [{ type: 'text', text: 'Checking' }, { type: 'refusal', refusal: 'partly' }],
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
              { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{bad json' } },
            ],
          },
        ],
      }),
    );
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Need the tool.' },
        { type: 'text', text: 'Checking' },
        { type: 'text', text: 'partly' },
        { type: 'tool-call', callId: 'call_a', name: 'get_weather', argumentsJson: '{"city": "Paris"}' },
        { type: 'tool-call', callId: 'call_b', name: 'get_time', argumentsJson: '{bad json' },
      ],
    });
  });

  it('adds nothing for empty or null assistant content', () => {
    const request = decodeRequest(
      body({
        messages: [
          user('a'),
          { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
          { role: 'assistant', content: null },
          user('b'),
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'f', argumentsJson: '{}' }] },
      {
        role: 'user',
        content: [
          { type: 'tool-result', callId: 'c1', content: [{ type: 'text', text: 'done' }], isError: false },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });

  it('merges consecutive tool messages and the following user message into one user turn', () => {
    const request = decodeRequest(
      body({
        messages: [
          user('Two things'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } },
              { id: 'c2', type: 'function', function: { name: 'b', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'one' },
          { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'two' }, { type: 'text', text: '2' }] },
          user('thanks'),
          user([{ type: 'text', text: 'and more' }]),
          { role: 'assistant', content: 'ok' },
          { role: 'assistant', content: 'then' },
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Two things' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', callId: 'c1', name: 'a', argumentsJson: '{}' },
          { type: 'tool-call', callId: 'c2', name: 'b', argumentsJson: '{}' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', callId: 'c1', content: [{ type: 'text', text: 'one' }], isError: false },
          { type: 'tool-result', callId: 'c2', content: [{ type: 'text', text: 'two' }, { type: 'text', text: '2' }], isError: false },
          { type: 'text', text: 'thanks' },
          { type: 'text', text: 'and more' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'text', text: 'then' }] },
    ]);
  });
});

describe('decodeRequest: tools', () => {
  it('maps function tools, defaulting missing parameters to an empty object schema', () => {
    const request = decodeRequest(
      body({
        tools: [
          { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
          { type: 'function', function: { name: 'ping' } },
        ],
        tool_choice: 'required',
      }),
    );
    expect(request.tools).toEqual([
      { name: 'get_weather', description: 'Weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'ping', inputSchema: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toEqual({ type: 'required' });
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'required' }],
    [{ type: 'function', function: { name: 'ping' } }, { type: 'tool', name: 'ping' }],
  ])('maps tool_choice %j', (choice, expected) => {
    expect(decodeRequest(body({ tool_choice: choice })).toolChoice).toEqual(expected);
  });

  it('warns that tool strict flags are not carried', () => {
    const request = decodeRequest(body({ tools: [{ type: 'function', function: { name: 'f', strict: true } }] }));
    expect(request.warnings).toEqual(['tool `strict` flags are not carried across dialects']);
  });
});
