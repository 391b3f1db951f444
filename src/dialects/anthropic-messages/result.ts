import { z } from 'zod';
import type { AssistantPart, ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import type { JsonObject } from '../../canonical/json.js';
import { emptyUsage, mergeUsage } from '../../canonical/usage.js';
import type { DialectDependencies } from '../dialect.js';
import { encodeAssistantPart } from './encode-content.js';
import { errorFromWire } from './errors.js';
import { parseUpstream } from './parse-wire.js';
import { finishFromWire, stopToWire } from './stop-reason.js';
import { usageFromWire, usageToWire, wireUsageSchema } from './usage.js';
import {
  looseBlockSchema,
  redactedThinkingBlockSchema,
  textBlockSchema,
  thinkingBlockSchema,
  toolUseBlockSchema,
} from './wire-schema.js';

/** @see https://docs.claude.com/en/api/messages (response) */
const messageSchema = z.looseObject({
  id: z.string(),
  model: z.string(),
  content: z.array(looseBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: wireUsageSchema,
});

const errorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: z.looseObject({ type: z.string().nullish(), message: z.string().nullish() }),
});

/** A non-streaming Messages response → ChatResult. Throws `upstream_error` when it is malformed. */
export function decodeResult(body: unknown): ChatResult {
  const failure = errorBodySchema.safeParse(body);
  if (failure.success) {
    throw errorFromWire(failure.data.error.type ?? undefined, failure.data.error.message ?? 'Upstream error');
  }
  const message = parseUpstream(messageSchema, body, [], 'response');
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
function decodeResultBlock(block: z.infer<typeof looseBlockSchema>, path: Array<string | number>): AssistantPart[] {
  switch (block.type) {
    case 'text': {
      const { text } = parseUpstream(textBlockSchema, block, path, 'response');
      return text === '' ? [] : [{ type: 'text', text }];
    }
    case 'thinking': {
      const thinking = parseUpstream(thinkingBlockSchema, block, path, 'response');
      const signature = thinking.signature ?? '';
      return [{ type: 'reasoning', text: thinking.thinking, ...(signature === '' ? {} : { signature }) }];
    }
    case 'redacted_thinking': {
      const { data } = parseUpstream(redactedThinkingBlockSchema, block, path, 'response');
      return [{ type: 'reasoning', text: '', redactedData: data }];
    }
    case 'tool_use': {
      const toolUse = parseUpstream(toolUseBlockSchema, block, path, 'response');
      return [{ type: 'tool-call', callId: toolUse.id, name: toolUse.name, argumentsJson: JSON.stringify(toolUse.input) }];
    }
    default:
      return [];
  }
}

/** ChatResult → the non-streaming `/v1/messages` response body. */
export function encodeResult(result: ChatResult, request: ChatRequest, deps: DialectDependencies): JsonObject {
  const content = result.content
    .filter((part) => !(part.type === 'text' && part.text === ''))
    .map((part) => encodeAssistantPart(part, []));
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
