import { describe, expect, test } from 'vitest';
import type { ModelRequest } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { buildPrompt, refusalFor } from './prompt-input.js';
import { chatRequest } from './test-support/engine-harness.js';

function stdinMessage(request: ModelRequest): unknown {
  const { stdinLine } = buildPrompt(request);
  expect(stdinLine.endsWith('\n')).toBe(true);
  expect(stdinLine.slice(0, -1)).not.toContain('\n');
  return JSON.parse(stdinLine);
}

const PNG = { kind: 'base64' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' };

describe('buildPrompt', () => {
  test('a single user turn is sent as its own blocks, in the stream-json input envelope', () => {
    const request = chatRequest({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is ' },
            { type: 'text', text: 'this?' },
            { type: 'image', source: PNG },
            { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' }, filename: 'a.pdf' },
          ],
        },
      ],
    });
    expect(stdinMessage(request)).toEqual({
      type: 'user',
      message: {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' }, title: 'a.pdf' },
        ],
      },
      parent_tool_use_id: null,
      session_id: '',
    });
  });

  test('a multi-turn history becomes a transcript followed by the last user message, images kept in place', () => {
    const request = chatRequest({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look at this.' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hidden thoughts', signature: 'sig' },
            { type: 'text', text: 'A cat.' },
            { type: 'tool-call', callId: 'call_1', name: 'lookup', argumentsJson: '{"q":"cat"}' },
          ],
        },
        { role: 'user', content: [{ type: 'tool-result', callId: 'call_1', isError: false, content: [{ type: 'text', text: 'felis catus' }] }] },
        { role: 'assistant', content: [{ type: 'text', text: 'It is a Felis catus.' }] },
        { role: 'user', content: [{ type: 'text', text: 'How old is it?' }] },
      ],
    });
    const message = stdinMessage(request) as { message: { content: Array<{ type: string; text?: string }> } };
    expect(message.message.content).toEqual([
      { type: 'text', text: 'The conversation so far, oldest turn first:\n\n<user>\nLook at this.' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      {
        type: 'text',
        text:
          '\n</user>\n\n' +
          '<assistant>\nA cat.\n[called tool lookup (call call_1) with {"q":"cat"}]\n\n</assistant>\n\n' +
          '<user>\n[result of tool call call_1]\nfelis catus\n\n</user>\n\n' +
          '<assistant>\nIt is a Felis catus.\n</assistant>\n\n' +
          "The user's latest message follows; reply to it.\n\nHow old is it?",
      },
    ]);
    expect(JSON.stringify(message)).not.toContain('hidden thoughts');
  });

  test('system parts are joined for --append-system-prompt-file; blank system text is no system text', () => {
    const withSystem = buildPrompt(chatRequest({ system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in French.' }] }));
    expect(withSystem.systemText).toBe('Be brief.\n\nAnswer in French.');
    expect(buildPrompt(chatRequest({ system: [{ type: 'text', text: '  ' }] })).systemText).toBeUndefined();
    expect(buildPrompt(chatRequest()).systemText).toBeUndefined();
  });

  test('a conversation with nothing to send is refused', () => {
    const empty = chatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: ' \n' }] }] });
    expect(() => buildPrompt(empty)).toThrow(GatewayError);
    expect(() => buildPrompt(empty)).toThrow('The conversation has no text, image or document to send');
  });
});

describe('refusalFor', () => {
  test('caller-declared tools are refused with a clear invalid_request', () => {
    const error = refusalFor(chatRequest({ tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }] }));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'invalid_request', param: 'tools', retryable: false });
    expect(error?.message).toMatch(/does not run caller-declared tools/);
  });

  test('a conversation that does not end with a user message is refused', () => {
    const prefill = chatRequest({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello, I' }] },
      ],
    });
    expect(refusalFor(prefill)).toMatchObject({ code: 'invalid_request', param: 'messages' });
    expect(refusalFor(chatRequest({ messages: [] }))).toMatchObject({ code: 'invalid_request', param: 'messages' });
    expect(refusalFor(chatRequest())).toBeUndefined();
  });
});
