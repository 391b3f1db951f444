import type { ChatEvent } from './chat-event.js';
import type { ChatResult } from './chat-result.js';

/**
 * A whole result as the event stream that would have produced it (the inverse of
 * ResultCollector): for answers that were collected first and are then written to a streaming
 * caller, such as an agent's final answer.
 */
export function resultEvents(result: ChatResult): ChatEvent[] {
  const events: ChatEvent[] = [{ type: 'response-start', id: result.id, model: result.model }];
  result.content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        events.push({ type: 'text-start', index }, { type: 'text-delta', index, text: part.text }, { type: 'text-end', index });
        return;
      case 'reasoning':
        events.push(part.redactedData === undefined ? { type: 'reasoning-start', index } : { type: 'reasoning-start', index, redactedData: part.redactedData });
        if (part.text !== '') events.push({ type: 'reasoning-delta', index, text: part.text });
        events.push(part.signature === undefined ? { type: 'reasoning-end', index } : { type: 'reasoning-end', index, signature: part.signature });
        return;
      case 'tool-call':
        events.push({ type: 'tool-call-start', index, callId: part.callId, name: part.name });
        if (part.argumentsJson !== '') events.push({ type: 'tool-call-delta', index, argumentsJson: part.argumentsJson });
        events.push({ type: 'tool-call-end', index });
        return;
    }
  });
  events.push({ type: 'usage', usage: result.usage });
  events.push(result.stopSequence === undefined ? { type: 'response-end', finishReason: result.finishReason } : { type: 'response-end', finishReason: result.finishReason, stopSequence: result.stopSequence });
  return events;
}
