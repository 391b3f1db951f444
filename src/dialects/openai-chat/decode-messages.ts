import type {
  AssistantPart,
  Message,
  TextPart,
  ToolCallPart,
  UserPart,
} from '../../canonical/chat-request.js';
import { mediaSourceFromUrl } from './media-url.js';
import { formatParam, invalidRequest } from './request-error.js';
import type { WireAssistantMessage, WireMessage, WireTextPart, WireUserPart } from './wire-schema.js';

export interface DecodedMessages {
  system: TextPart[];
  messages: Message[];
  warnings: string[];
}

type Path = Array<string | number>;

/**
 * Reshapes OpenAI's turn list into the canonical one: system/developer messages wherever they
 * sit become system text (Claude Code and Codex put them mid-conversation, and Qwen-style chat
 * templates reject a late system message: anthropics/claude-code#77698), `tool` messages become
 * tool results inside a user turn, and neighbouring turns of one role merge.
 */
export function decodeMessages(wire: WireMessage[]): DecodedMessages {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  const warnings = new Set<string>();
  wire.forEach((message, position) => {
    const path: Path = ['messages', position];
    switch (message.role) {
      case 'system':
      case 'developer':
        if (message.name !== undefined) warnings.add('message `name` fields were dropped');
        system.push(...textParts(message.content));
        return;
      case 'user':
        if (message.name !== undefined) warnings.add('message `name` fields were dropped');
        appendTurn(messages, { role: 'user', content: userParts(message.content, [...path, 'content'], warnings) });
        return;
      case 'assistant':
        appendTurn(messages, { role: 'assistant', content: assistantParts(message, path, warnings) });
        return;
      case 'tool':
        appendTurn(messages, {
          role: 'user',
          content: [{ type: 'tool-result', callId: message.tool_call_id, content: textParts(message.content), isError: false }],
        });
        return;
      case 'function':
        throw invalidRequest(
          [...path, 'role'],
          `The legacy 'function' role is not supported (messages[${position}]); send tool results as 'tool' messages with a tool_call_id.`,
        );
    }
  });
  return { system, messages, warnings: [...warnings] };
}

/**
 * Consecutive turns of one role merge, so a user message after tool results joins their turn.
 * A turn with nothing in it (assistant `content: null` without tool calls) is skipped, so its
 * neighbours merge across it.
 */
function appendTurn(messages: Message[], next: Message): void {
  if (next.content.length === 0) return;
  const last = messages.at(-1);
  if (last === undefined || last.role !== next.role) {
    messages.push(next);
  } else if (last.role === 'user' && next.role === 'user') {
    last.content.push(...next.content);
  } else if (last.role === 'assistant' && next.role === 'assistant') {
    last.content.push(...next.content);
  }
}

function textParts(content: string | WireTextPart[]): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function userParts(content: string | WireUserPart[], path: Path, warnings: Set<string>): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, index) => userPart(part, [...path, index], warnings));
}

function userPart(part: WireUserPart, path: Path, warnings: Set<string>): UserPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url': {
      const source = mediaSourceFromUrl(part.image_url.url, true);
      if (source === undefined) {
        throw invalidRequest(
          [...path, 'image_url', 'url'],
          `Invalid image URL at '${formatParam(path)}.image_url.url': expected an http(s) URL or a base64 data URL (data:<media type>;base64,<data>).`,
        );
      }
      if (part.image_url.detail !== undefined && part.image_url.detail !== 'auto') {
        warnings.add('image_url.detail was dropped');
      }
      return { type: 'image', source };
    }
    case 'file':
      return filePart(part.file, path);
    case 'input_audio':
      throw invalidRequest([...path, 'type'], `Audio input ('input_audio' at '${formatParam(path)}') is not supported.`);
  }
}

function filePart(file: { file_id?: string; file_data?: string; filename?: string }, path: Path): UserPart {
  if (file.file_data === undefined) {
    const reason = file.file_id === undefined ? 'is missing' : 'is required: uploaded file ids (file_id) are not supported';
    throw invalidRequest([...path, 'file', 'file_data'], `'${formatParam(path)}.file.file_data' ${reason}; send the file inline as a base64 data URL.`);
  }
  const source = mediaSourceFromUrl(file.file_data, false);
  if (source === undefined) {
    throw invalidRequest(
      [...path, 'file', 'file_data'],
      `Invalid '${formatParam(path)}.file.file_data': expected a base64 data URL (data:<media type>;base64,<data>).`,
    );
  }
  return { type: 'document', source, ...(file.filename === undefined ? {} : { filename: file.filename }) };
}

function assistantParts(message: WireAssistantMessage, path: Path, warnings: Set<string>): AssistantPart[] {
  const parts: AssistantPart[] = [];
  if (message.reasoning_content !== undefined && message.reasoning_content !== '') {
    parts.push({ type: 'reasoning', text: message.reasoning_content });
  }
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else if (content !== undefined) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (text !== '') parts.push({ type: 'text', text });
    }
  }
  if (message.refusal !== undefined && message.refusal !== '') parts.push({ type: 'text', text: message.refusal });
  (message.tool_calls ?? []).forEach((call, index) => {
    if (call.type === 'custom') {
      throw invalidRequest([...path, 'tool_calls', index, 'type'], `Custom tool calls ('${formatParam(path)}.tool_calls[${index}]') are not supported; use function tools.`);
    }
    const part: ToolCallPart = { type: 'tool-call', callId: call.id, name: call.function.name, argumentsJson: call.function.arguments };
    parts.push(part);
  });
  if (message.audio !== undefined) warnings.add('assistant `audio` references were dropped');
  if (message.function_call !== undefined) warnings.add('legacy assistant `function_call` was dropped; use tool_calls');
  if (message.name !== undefined) warnings.add('message `name` fields were dropped');
  return parts;
}
