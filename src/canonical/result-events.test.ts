import { describe, expect, it } from 'vitest';
import type { ChatResult } from './chat-result.js';
import { ResultCollector } from './collect-result.js';
import { resultEvents } from './result-events.js';

describe('resultEvents', () => {
  it('is undone by the collector: events of a result collect back into the same result', () => {
    const result: ChatResult = {
      id: 'msg_1',
      model: 'm',
      content: [
        { type: 'reasoning', text: 'thinking', signature: 'sig' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', callId: 'call_1', name: 'lookup', argumentsJson: '{"q":"x"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    };
    const collector = new ResultCollector();
    for (const event of resultEvents(result)) collector.push(event);
    expect(collector.result()).toEqual(result);
  });
});
