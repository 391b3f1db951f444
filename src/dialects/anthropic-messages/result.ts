import type { AssistantPart, ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import { emptyUsage, mergeUsage } from '../../canonical/usage.js';
import type { DialectDependencies } from '../dialect.js';
import { encodeAssistantPart } from './encode-content.js';
import { errorFromWire } from './errors.js';
import { checkUpstream } from './parse-wire.js';
import { isRedactedThinkingBlock, isResultMessage, isThinkingBlock } from './result-guards.js';
import { errorBodySchema, resultMessageSchema } from './result-schema.js';
import { finishFromWire, stopToWire } from './stop-reason.js';
import { usageFromWire, usageToWire } from './usage.js';
import { isTextBlock, isToolUseBlock } from './wire-guards.js';
import { redactedThinkingBlockSchema, textBlockSchema, thinkingBlockSchema, toolUseBlockSchema, type LooseBlock } from './wire-schema.js';

/** A non-streaming Messages response → ChatResult. Throws `upstream_error` when it is malformed. */
export function decodeResult(body: unknown): ChatResult {
  // The schema wants the literal, so only such a body is worth its parse.
  if (isJsonObject(body) && body.type === 'error') {
    const failure = errorBodySchema.safeParse(body);
    if (failure.success) throw errorFromWire(failure.data.error.type ?? undefined, failure.data.error.message ?? 'Upstream error');
  }
  const message = checkUpstream(isResultMessage, resultMessageSchema, body, [], 'response');
  const content = message.content.flatMap((block, index) => decodeResultBlock(block, ['content', index]));
  return {
    id: message.id,
    model: message.model,
    content,
    ...finishFromWire(message.stop_reason, message.stop_sequence),
    usage: mergeUsage(emptyUsage, usageFromWire(message.usage)),
  };
}

/** Server-tool blocks (server_tool_use, web_search_tool_result, …) have no canonical form and are skipped. */
function decodeResultBlock(block: LooseBlock, path: Array<string | number>): AssistantPart[] {
  switch (block.type) {
    case 'text': {
      const { text } = checkUpstream(isTextBlock, textBlockSchema, block, path, 'response');
      return text === '' ? [] : [{ type: 'text', text }];
    }
    case 'thinking': {
      const thinking = checkUpstream(isThinkingBlock, thinkingBlockSchema, block, path, 'response');
      const signature = thinking.signature ?? '';
      return [{ type: 'reasoning', text: thinking.thinking, ...(signature === '' ? {} : { signature }) }];
    }
    case 'redacted_thinking': {
      const { data } = checkUpstream(isRedactedThinkingBlock, redactedThinkingBlockSchema, block, path, 'response');
      return [{ type: 'reasoning', text: '', redactedData: data }];
    }
    case 'tool_use': {
      const toolUse = checkUpstream(isToolUseBlock, toolUseBlockSchema, block, path, 'response');
      return [{ type: 'tool-call', callId: toolUse.id, name: toolUse.name, argumentsJson: JSON.stringify(toolUse.input) }];
    }
    default:
      return [];
  }
}

/** ChatResult → the non-streaming `/v1/messages` response body. */
export function encodeResult(result: ChatResult, request: ChatRequest, deps: DialectDependencies): JsonObject {
  const content = result.content.filter((part) => !(part.type === 'text' && part.text === '')).map((part) => encodeAssistantPart(part, []));
  const hasToolUse = result.content.some((part) => part.type === 'tool-call');
  const stop = stopToWire(result.finishReason, result.stopSequence, hasToolUse);
  return {
    id: result.id === '' ? deps.newId('msg_') : result.id,
    type: 'message',
    role: 'assistant',
    model: result.model === '' ? request.model : result.model,
    content,
    stop_reason: stop.stop_reason,
    stop_sequence: stop.stop_sequence,
    usage: usageToWire(result.usage),
  };
}
