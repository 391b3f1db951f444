import type { Message } from '../../canonical/chat-request.js';

/** Anthropic wants strictly alternating turns: consecutive same-role messages become one. */
export function mergeSameRole(messages: readonly Message[]): Message[] {
  const merged: Message[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last?.role === 'user' && message.role === 'user') {
      merged[merged.length - 1] = { role: 'user', content: [...last.content, ...message.content] };
    } else if (last?.role === 'assistant' && message.role === 'assistant') {
      merged[merged.length - 1] = { role: 'assistant', content: [...last.content, ...message.content] };
    } else {
      merged.push(message);
    }
  }
  return merged;
}
