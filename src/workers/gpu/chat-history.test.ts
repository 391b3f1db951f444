import { describe, expect, test } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { missingToolResult, toChatHistory } from './chat-history.js';
import { chatRequest } from './test-support/engine-jobs.js';

describe('toChatHistory', () => {
  test('joins system parts and appends the extra instruction', () => {
    const history = toChatHistory(
      chatRequest({ system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: '' }, { type: 'text', text: 'Be kind.' }] }),
      'Call the tool.',
    );
    expect(history).toEqual([
      { type: 'system', text: 'Be brief.\n\nBe kind.\n\nCall the tool.' },
      { type: 'user', text: 'Hello there' },
    ]);
  });

  test('no system item when there is no system text', () => {
    expect(toChatHistory(chatRequest())).toEqual([{ type: 'user', text: 'Hello there' }]);
  });

  test('tool results are attached to their calls; the user text after them is its own turn', () => {
    const history = toChatHistory(
      chatRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'need data' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool-call', callId: 'c1', name: 'weather', argumentsJson: '{"city":"Paris"}' },
              { type: 'tool-call', callId: 'c2', name: 'time', argumentsJson: '{"tz":' },
              { type: 'tool-call', callId: 'c3', name: 'moon', argumentsJson: '{}' },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool-result', callId: 'c1', content: [{ type: 'text', text: 'sunny' }, { type: 'text', text: '21C' }], isError: false },
              { type: 'tool-result', callId: 'c2', content: [{ type: 'text', text: 'bad tz' }], isError: true },
              { type: 'tool-result', callId: 'zz', content: [{ type: 'text', text: 'stray' }], isError: false },
              { type: 'text', text: 'Thanks' },
            ],
          },
        ],
      }),
    );
    expect(history).toEqual([
      { type: 'user', text: 'Weather?' },
      {
        type: 'model',
        response: [
          { type: 'segment', segmentType: 'thought', text: 'need data', ended: true },
          'Checking.',
          { type: 'functionCall', name: 'weather', params: { city: 'Paris' }, result: 'sunny\n21C' },
          { type: 'functionCall', name: 'time', params: '{"tz":', result: { error: 'bad tz' } },
          { type: 'functionCall', name: 'moon', params: {}, result: missingToolResult },
        ],
      },
      { type: 'user', text: 'Result of tool call zz: stray\n\nThanks' },
    ]);
  });

  test('a conversation ending in tool results ends with the model turn, which the model continues', () => {
    const history = toChatHistory(
      chatRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Time?' }] },
          { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'time', argumentsJson: '{}' }] },
          { role: 'user', content: [{ type: 'tool-result', callId: 'c1', content: [{ type: 'text', text: '12:00' }], isError: false }] },
        ],
      }),
    );
    expect(history.at(-1)).toEqual({
      type: 'model',
      response: [{ type: 'functionCall', name: 'time', params: {}, result: '12:00' }],
    });
  });

  test('redacted thinking is left out', () => {
    const history = toChatHistory(
      chatRequest({
        messages: [{ role: 'assistant', content: [{ type: 'reasoning', text: '', redactedData: 'opaque' }, { type: 'text', text: 'Hi' }] }],
      }),
    );
    expect(history).toEqual([{ type: 'model', response: ['Hi'] }]);
  });

  test('images are refused with invalid_request', () => {
    const request = chatRequest({
      messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }] }],
    });
    expect(() => toChatHistory(request)).toThrow(GatewayError);
    try {
      toChatHistory(request);
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_request', param: 'messages', retryable: false });
    }
  });
});
