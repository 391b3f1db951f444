import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import type { AssistantMessage, ModelRequest, ToolResultPart, UserMessage } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';

/** Stands in for the result of a call the conversation never answered (node-llama-cpp needs one). */
export const missingToolResult = 'No result was returned for this call.';

/**
 * The canonical conversation as node-llama-cpp chat history, for the model's own chat wrapper to
 * render. A tool result (which the canonical model keeps in the next user turn) is attached to the
 * matching call inside the model response, which is where node-llama-cpp expects it; a result
 * whose call is unknown is kept as user text so that nothing the caller sent is lost.
 *
 * When the last item is a model response, node-llama-cpp continues it rather than starting a new
 * one: that is what a prefilled assistant turn, or an answer after tool results, means.
 */
export function toChatHistory(request: ModelRequest, extraSystemText?: string): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [];
  const systemTexts = request.system.map((part) => part.text).filter((text) => text !== '');
  if (extraSystemText !== undefined) systemTexts.push(extraSystemText);
  if (systemTexts.length > 0) items.push({ type: 'system', text: systemTexts.join('\n\n') });
  const calls = new Map<string, ChatModelFunctionCall>();
  for (const message of request.messages) {
    switch (message.role) {
      case 'assistant':
        items.push(toModelResponse(message, calls));
        break;
      case 'user': {
        const text = userText(message, calls);
        if (text !== undefined) items.push({ type: 'user', text });
        break;
      }
    }
  }
  return items;
}

function toModelResponse(message: AssistantMessage, calls: Map<string, ChatModelFunctionCall>): ChatModelResponse {
  const response: ChatModelResponse['response'] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        response.push(part.text);
        break;
      case 'reasoning':
        // Redacted thinking is opaque Anthropic data no local model can read.
        if (part.text !== '') response.push({ type: 'segment', segmentType: 'thought', text: part.text, ended: true });
        break;
      case 'tool-call': {
        const call: ChatModelFunctionCall = {
          type: 'functionCall',
          name: part.name,
          params: parseArguments(part.argumentsJson),
          result: missingToolResult,
        };
        calls.set(part.callId, call);
        response.push(call);
        break;
      }
    }
  }
  return { type: 'model', response };
}

/** Fills in tool results and returns the user's own text, when the turn has some. */
function userText(message: UserMessage, calls: Map<string, ChatModelFunctionCall>): string | undefined {
  const texts: string[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'tool-result': {
        const result = toolResultText(part.content);
        const call = calls.get(part.callId);
        if (call === undefined) texts.push(`Result of tool call ${part.callId}: ${result}`);
        else call.result = part.isError ? { error: result } : result;
        break;
      }
      case 'image':
      case 'document':
        throw unsupportedMedia(part.type);
    }
  }
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

function toolResultText(content: ToolResultPart['content']): string {
  return content
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.text;
        case 'image':
          throw unsupportedMedia('image');
      }
    })
    .join('\n');
}

/** The model wrote these bytes; keep them as a string when they are not valid JSON. */
function parseArguments(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson) as unknown;
  } catch {
    return argumentsJson;
  }
}

function unsupportedMedia(kind: 'image' | 'document'): GatewayError {
  return new GatewayError('invalid_request', `This model reads text only; the request contains an ${kind}`, {
    param: 'messages',
  });
}
