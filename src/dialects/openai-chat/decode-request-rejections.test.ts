import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { decodeRequest } from './decode-request.js';

const user = (content: unknown) => ({ role: 'user', content });

function body(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4.1', messages: [user('Hi')], ...fields };
}

function rejection(input: unknown): GatewayError {
  try {
    decodeRequest(input);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected decodeRequest to reject the body');
}

describe('decodeRequest: rejections name the field', () => {
  it.each<[string, unknown, string | undefined, RegExp]>([
    ['a non-object body', 'hello', undefined, /must be a JSON object/],
    ['an array body', [1], undefined, /must be a JSON object/],
    ['a missing model', { messages: [user('x')] }, 'model', /Missing required parameter: 'model'/],
    ['an empty model', body({ model: '' }), 'model', /'model' must not be an empty string/],
    ['missing messages', { model: 'm' }, 'messages', /Missing required parameter: 'messages'/],
    ['empty messages', body({ messages: [] }), 'messages', /'messages' must not be empty/],
    ['a string temperature', body({ temperature: 'hot' }), 'temperature', /expected number, got "hot"/],
    ['a non-integer max_tokens', body({ max_tokens: 1.5 }), 'max_tokens', /max_tokens/],
    ['an unknown role', body({ messages: [user('a'), user('b'), { role: 'robot', content: 'x' }] }), 'messages[2].role', /"robot" is not supported; expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function'/],
    ['a tool message without tool_call_id', body({ messages: [user('a'), { role: 'tool', content: 'x' }] }), 'messages[1].tool_call_id', /Missing required parameter: 'messages\[1\].tool_call_id'/],
    ['a wrong content type', body({ messages: [user('a'), user('b'), user(42)] }), 'messages[2].content', /must be a string or an array of content parts/],
    ['a bad part inside content', body({ messages: [user([{ type: 'text', text: 'ok' }, { type: 'text', text: 5 }])] }), 'messages[0].content[1].text', /expected string, got number 5/],
    ['an unknown part type', body({ messages: [user([{ type: 'video', video: {} }])] }), 'messages[0].content[0].type', /"video" is not supported/],
    ['n > 1', body({ n: 3 }), 'n', /'n' > 1 is not supported.*send 3 requests/],
    ['the legacy function role', body({ messages: [user('a'), { role: 'function', name: 'f', content: 'x' }] }), 'messages[1].role', /legacy 'function' role is not supported.*'tool' messages/],
    ['legacy functions', body({ functions: [{ name: 'f' }] }), 'functions', /use.*'tools'|declare them in 'tools'/],
    ['custom tools', body({ tools: [{ type: 'function', function: { name: 'f' } }, { type: 'custom', custom: { name: 'g' } }] }), 'tools[1].type', /Custom tools .* not supported/],
    ['custom tool calls in history', body({ messages: [user('a'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', custom: {} }] }] }), 'messages[1].tool_calls[0].type', /Custom tool calls/],
    ['input_audio parts', body({ messages: [user([{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }])] }), 'messages[0].content[0].type', /Audio input .* is not supported/],
    ['file parts with only file_id', body({ messages: [user([{ type: 'file', file: { file_id: 'file-abc' } }])] }), 'messages[0].content[0].file.file_data', /file_id\) are not supported; send the file inline/],
    ['file_data that is not a data URL', body({ messages: [user([{ type: 'file', file: { file_data: 'JVBERi0=' } }])] }), 'messages[0].content[0].file.file_data', /expected a base64 data URL/],
    ['an image URL with another scheme', body({ messages: [user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])] }), 'messages[0].content[0].image_url.url', /http\(s\) URL or a base64 data URL/],
    ['a bad tool_choice', body({ tool_choice: 'always' }), 'tool_choice', /must be 'auto', 'none', 'required'/],
    ['a bad reasoning_effort', body({ reasoning_effort: 'extreme' }), 'reasoning_effort', /reasoning_effort/],
    ['tool call arguments that are not a string', body({ messages: [user('a'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] }] }), 'messages[1].tool_calls[0].function.arguments', /expected string, got an object/],
  ])('rejects %s', (_label, input, param, message) => {
    const error = rejection(input);
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});
