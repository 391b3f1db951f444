import type { JsonObject } from '../../canonical/json.js';
import { splitToolName, type NamespacedName } from './tool-names.js';

/** The output item shapes the `openai` SDK types (ResponseOutputMessage, ResponseReasoningItem, ResponseFunctionToolCall). */

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export function outputTextPart(text: string): JsonObject {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function messageItem(id: string, status: ItemStatus, content: JsonObject[]): JsonObject {
  return { id, type: 'message', status, role: 'assistant', content };
}

/**
 * OpenAI returns the model's opaque reasoning state only when asked (`include:
 * ["reasoning.encrypted_content"]`); Auxot hands out an Anthropic signature the same way, so a
 * stateless caller (Codex) can send it back with the next turn.
 */
export function reasoningItem(id: string, summary: string | undefined, signature: string | undefined, includeEncrypted: boolean): JsonObject {
  const item: JsonObject = { id, type: 'reasoning', summary: summary === undefined ? [] : [{ type: 'summary_text', text: summary }] };
  if (includeEncrypted && signature !== undefined) item.encrypted_content = signature;
  return item;
}

export function functionCallItem(
  id: string,
  status: ItemStatus,
  call: { callId: string; flatName: string; argumentsJson: string },
  names: ReadonlyMap<string, NamespacedName>,
): JsonObject {
  const { name, namespace } = splitToolName(names, call.flatName);
  return {
    id,
    type: 'function_call',
    status,
    arguments: call.argumentsJson,
    call_id: call.callId,
    name,
    ...(namespace === undefined ? {} : { namespace }),
  };
}
