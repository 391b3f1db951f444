import type {
  AssistantPart,
  DocumentPart,
  MediaSource,
  Message,
  TextPart,
  ImagePart,
  ToolResultPart,
  UserPart,
} from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';
import { mergeSameRole } from './merge-messages.js';
import { toolInputFromArguments } from './tool-input.js';

/**
 * Canonical turns → Anthropic `messages`. Parts Anthropic would reject are removed first (empty
 * text: claude-code#59812; unsigned reasoning), then turns left empty are skipped and same-role
 * neighbours merged, so the result always alternates.
 */
export function encodeMessages(messages: readonly Message[], warnings: string[]): JsonObject[] {
  const kept = messages.flatMap((message): Message[] => {
    if (message.role === 'user') {
      const content = message.content.filter((part) => !(part.type === 'text' && part.text === ''));
      return content.length === 0 ? [] : [{ role: 'user', content }];
    }
    const content = message.content.filter((part) => isSendableAssistantPart(part, warnings));
    return content.length === 0 ? [] : [{ role: 'assistant', content }];
  });
  return mergeSameRole(kept).map((message) =>
    message.role === 'user'
      ? { role: 'user', content: encodeUserParts(message.content) }
      : { role: 'assistant', content: message.content.map((part) => encodeAssistantPart(part, warnings)) },
  );
}

function isSendableAssistantPart(part: AssistantPart, warnings: string[]): boolean {
  switch (part.type) {
    case 'text':
      return part.text !== '';
    case 'reasoning':
      if (part.redactedData !== undefined || (part.signature ?? '') !== '') return true;
      warnOnce(warnings, 'Dropped reasoning without a signature from assistant turns: Anthropic rejects unsigned thinking');
      return false;
    case 'tool-call':
      return true;
  }
}

/** Tool results must lead the turn that follows a tool_use turn, or Anthropic answers 400 (ogx#6367). */
function encodeUserParts(parts: readonly UserPart[]): JsonObject[] {
  const results = parts.filter((part): part is ToolResultPart => part.type === 'tool-result');
  const others = parts.filter((part) => part.type !== 'tool-result');
  return [...results, ...others].map(encodeUserPart);
}

function encodeUserPart(part: UserPart): JsonObject {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return encodeImage(part);
    case 'document':
      return encodeDocument(part);
    case 'tool-result':
      return encodeToolResult(part);
  }
}

function encodeToolResult(part: ToolResultPart): JsonObject {
  const content = part.content.filter((item) => !(item.type === 'text' && item.text === ''));
  const only = content.length === 1 ? content[0] : undefined;
  const wireContent: JsonObject =
    only?.type === 'text' ? { content: only.text } : content.length === 0 ? {} : { content: content.map(encodeNested) };
  const isError: JsonObject = part.isError ? { is_error: true } : {};
  return { type: 'tool_result', tool_use_id: part.callId, ...wireContent, ...isError };
}

function encodeNested(part: TextPart | ImagePart): JsonObject {
  return part.type === 'text' ? { type: 'text', text: part.text } : encodeImage(part);
}

function encodeImage(part: ImagePart): JsonObject {
  return { type: 'image', source: encodeSource(part.source) };
}

function encodeDocument(part: DocumentPart): JsonObject {
  const title: JsonObject = part.filename === undefined ? {} : { title: part.filename };
  const source = part.source;
  // Anthropic's plain-text document source carries the text itself, not base64.
  if (source.kind === 'base64' && source.mediaType === 'text/plain') {
    const data = Buffer.from(source.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data }, ...title };
  }
  return { type: 'document', source: encodeSource(source), ...title };
}

function encodeSource(source: MediaSource): JsonObject {
  switch (source.kind) {
    case 'base64':
      return { type: 'base64', media_type: source.mediaType, data: source.data };
    case 'url':
      return { type: 'url', url: source.url };
  }
}

export function encodeAssistantPart(part: AssistantPart, warnings: string[]): JsonObject {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'reasoning':
      return part.redactedData !== undefined
        ? { type: 'redacted_thinking', data: part.redactedData }
        : { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'tool-call': {
      const { input, valid } = toolInputFromArguments(part.argumentsJson);
      if (!valid) warnings.push(`Tool call ${part.callId} (${part.name}) had arguments that are not a JSON object; sent {}`);
      return { type: 'tool_use', id: part.callId, name: part.name, input };
    }
  }
}

function warnOnce(warnings: string[], warning: string): void {
  if (!warnings.includes(warning)) warnings.push(warning);
}
