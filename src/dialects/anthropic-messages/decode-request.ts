import type { ChatRequest, Message, TextPart } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject } from '../../canonical/json.js';
import { decodeAssistantContent, decodeSystemContent, decodeUserContent } from './decode-content.js';
import { decodeReasoning, decodeToolChoice, decodeTools } from './decode-options.js';
import { mergeSameRole } from './merge-messages.js';
import { checkWire, rejectField } from './parse-wire.js';
import { isMessage, isRequest } from './wire-guards.js';
import { messageSchema, requestSchema } from './wire-schema.js';

/**
 * A caller's `/v1/messages` body → ChatRequest. Throws `GatewayError('invalid_request')` naming the
 * field at fault; explicit `null` counts as absent throughout.
 * @see https://docs.claude.com/en/api/messages
 */
export function decodeRequest(body: unknown, raw?: Buffer): ChatRequest {
  if (!isJsonObject(body)) {
    throw new GatewayError('invalid_request', 'Invalid request: the body must be a JSON object');
  }
  const wire = checkWire(isRequest, requestSchema, body, []);
  const warnings: string[] = [];
  const system = wire.system == null ? [] : decodeSystemContent(wire.system, ['system']);
  const messages = decodeMessages(wire.messages, system, warnings);
  const tools = wire.tools == null ? [] : decodeTools(wire.tools, warnings);
  const endUserId = wire.metadata?.user_id ?? undefined;
  return {
    model: wire.model,
    system,
    messages,
    tools,
    ...decodeToolChoice(wire.tool_choice),
    maxOutputTokens: wire.max_tokens,
    ...optional('temperature', wire.temperature),
    ...optional('topP', wire.top_p),
    ...optional('topK', wire.top_k),
    stopSequences: wire.stop_sequences ?? [],
    ...decodeReasoning(wire.thinking, wire.output_config, warnings),
    ...(endUserId === undefined ? {} : { endUserId }),
    stream: wire.stream ?? false,
    // Anthropic streams always report usage; there is nothing to opt into.
    includeUsage: false,
    warnings,
    source: { dialect: 'anthropic-messages', body, raw: raw ?? Buffer.from(JSON.stringify(body)), headers: {} },
  };
}

function optional<K extends string>(key: K, value: number | null | undefined): Partial<Record<K, number>> {
  return value == null ? {} : ({ [key]: value } as Record<K, number>);
}

/**
 * In-array `role: "system"` messages (Claude Code's mid-conversation-system beta) are folded into
 * the leading system prompt: chat templates that allow a system message only first reject them
 * (claude-code#77698, ollama#17774). Consecutive same-role turns are merged afterwards, because
 * removing those messages (and empty ones) can leave two user turns side by side.
 */
function decodeMessages(wireMessages: readonly unknown[], system: TextPart[], warnings: string[]): Message[] {
  const decoded: Message[] = [];
  wireMessages.forEach((value, index) => {
    const path = ['messages', index];
    const message = checkWire(isMessage, messageSchema, value, path);
    const contentPath = [...path, 'content'];
    switch (message.role) {
      case 'system':
        system.push(...decodeSystemContent(message.content, contentPath));
        return;
      case 'user':
        decoded.push({ role: 'user', content: decodeUserContent(message.content, contentPath, warnings) });
        return;
      case 'assistant':
        decoded.push({ role: 'assistant', content: decodeAssistantContent(message.content, contentPath, warnings) });
        return;
    }
  });
  const merged = mergeSameRole(decoded.filter((message) => message.content.length > 0));
  if (merged.length === 0) return rejectField(['messages'], 'must contain at least one user or assistant message with content');
  return merged;
}
