import type {
  AssistantMessage,
  ModelRequest,
  DocumentPart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserMessage,
  UserPart,
} from '../../canonical/chat-request.js';
import type { JsonObject, JsonValue } from '../../canonical/json.js';
import { dataUrl, urlFromMediaSource } from './media-url.js';

/**
 * Claude Code's first system block carries a per-session nonce. At the very start of the prompt
 * it defeats prefix/KV-cache reuse across conversations on llama.cpp and vLLM (docs/wire-formats.md §3.2).
 */
const BILLING_HEADER_PREFIX = 'x-anthropic-billing-header:';

type ContentPart = Exclude<UserPart, ToolResultPart>;

export interface EncodedMessages {
  messages: JsonObject[];
  warnings: string[];
}

/** Canonical turns → Chat Completions `messages`, with the system text as one leading message. */
export function encodeMessages(request: ModelRequest): EncodedMessages {
  const warnings = new Set<string>();
  const messages: JsonObject[] = [];
  const system = request.system
    .filter((part) => !part.text.startsWith(BILLING_HEADER_PREFIX))
    .map((part) => part.text)
    .join('\n\n');
  if (system !== '') messages.push({ role: 'system', content: system });
  for (const message of request.messages) {
    if (message.role === 'user') messages.push(...encodeUserTurn(message, warnings));
    else messages.push(encodeAssistantTurn(message, warnings));
  }
  return { messages, warnings: [...warnings] };
}

/**
 * Tool results go first, one `tool` message each, then whatever else the turn held: text placed
 * before them would sit between the assistant's tool_calls and their answers, which OpenAI rejects
 * (ogx-ai/ogx#6367). Tool messages cannot carry images, so those move into the user message.
 */
function encodeUserTurn(message: UserMessage, warnings: Set<string>): JsonObject[] {
  const toolMessages: JsonObject[] = [];
  const movedImages: ImagePart[] = [];
  const rest: ContentPart[] = [];
  for (const part of message.content) {
    if (part.type !== 'tool-result') {
      rest.push(part);
      continue;
    }
    toolMessages.push(encodeToolResult(part));
    for (const item of part.content) if (item.type === 'image') movedImages.push(item);
  }
  const remaining = [...movedImages, ...rest];
  if (remaining.length === 0) return toolMessages;
  return [...toolMessages, { role: 'user', content: encodeUserContent(remaining, warnings) }];
}

function encodeToolResult(part: ToolResultPart): JsonObject {
  const text = part.content
    .filter((item): item is TextPart => item.type === 'text')
    .map((item) => item.text)
    .join('\n\n');
  return { role: 'tool', tool_call_id: part.callId, content: part.isError ? `Error: ${text}` : text };
}

function encodeUserContent(parts: ContentPart[], warnings: Set<string>): JsonValue {
  const [only] = parts;
  if (parts.length === 1 && only?.type === 'text') return only.text;
  const encoded: JsonObject[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        encoded.push({ type: 'text', text: part.text });
        break;
      case 'image':
        encoded.push({ type: 'image_url', image_url: { url: urlFromMediaSource(part.source) } });
        break;
      case 'document': {
        const file = encodeDocument(part);
        if (file === undefined) warnings.add('documents given by URL were dropped: Chat Completions takes only inline file data');
        else encoded.push(file);
        break;
      }
    }
  }
  return encoded;
}

function encodeDocument(part: DocumentPart): JsonObject | undefined {
  if (part.source.kind !== 'base64') return undefined;
  const { mediaType, data } = part.source;
  // OpenAI requires a filename next to file_data.
  return { type: 'file', file: { file_data: dataUrl(mediaType, data), filename: part.filename ?? defaultFilename(mediaType) } };
}

function defaultFilename(mediaType: string): string {
  if (mediaType === 'application/pdf') return 'document.pdf';
  if (mediaType === 'text/plain') return 'document.txt';
  return 'document';
}

/** Texts join without a separator, exactly as a streamed answer's text deltas concatenate. */
function encodeAssistantTurn(message: AssistantMessage, warnings: Set<string>): JsonObject {
  const texts: string[] = [];
  const toolCalls: JsonObject[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'reasoning':
        warnings.add('reasoning from earlier assistant turns was dropped');
        break;
      case 'tool-call':
        toolCalls.push({ id: part.callId, type: 'function', function: { name: part.name, arguments: part.argumentsJson } });
        break;
    }
  }
  const text = texts.join('');
  // Several servers reject `content: ""` next to tool_calls; null is what OpenAI itself sends.
  const content = text === '' && toolCalls.length > 0 ? null : text;
  return toolCalls.length === 0 ? { role: 'assistant', content } : { role: 'assistant', content, tool_calls: toolCalls };
}
