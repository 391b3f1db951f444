import type { ChatRequest } from '../canonical/chat-request.js';

/** Roughly what an image or a document costs; the real figure depends on pixels and pages. */
const MEDIA_TOKENS = 1500;

/**
 * A tokenizer-free estimate of a request's input tokens: about four characters per token for
 * text and schemas. Used by count_tokens when no provider on the route can count exactly.
 */
export function estimateInputTokens(request: ChatRequest): number {
  let characters = 0;
  let media = 0;
  for (const part of request.system) characters += part.text.length;
  for (const tool of request.tools) characters += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.inputSchema).length;
  for (const message of request.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          characters += part.text.length;
          break;
        case 'tool-call':
          characters += part.name.length + part.argumentsJson.length;
          break;
        case 'tool-result':
          for (const inner of part.content) {
            if (inner.type === 'text') characters += inner.text.length;
            else media++;
          }
          break;
        case 'image':
        case 'document':
          media++;
          break;
      }
    }
  }
  return Math.ceil(characters / 4) + media * MEDIA_TOKENS;
}
