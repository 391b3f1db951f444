import type { ChatRequest } from '../../../canonical/chat-request.js';

/** A canonical request with empty defaults, as another dialect's decoder would produce it. */
export function canonicalRequest(fields: Partial<ChatRequest> = {}): ChatRequest {
  const body = { model: fields.model ?? 'gpt-4.1', messages: [] };
  return {
    model: 'gpt-4.1',
    system: [],
    messages: [],
    tools: [],
    stopSequences: [],
    stream: false,
    includeUsage: false,
    warnings: [],
    source: { dialect: 'anthropic-messages', body, raw: Buffer.from(JSON.stringify(body)), headers: {} },
    ...fields,
  };
}
