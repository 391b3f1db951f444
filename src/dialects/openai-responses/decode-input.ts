import type { AssistantPart, ImagePart, Message, TextPart, UserPart } from '../../canonical/chat-request.js';
import { mediaSourceFromUrl } from '../openai-chat/media-url.js';
import { formatParam, invalidRequest } from '../openai-chat/request-error.js';
import { parseAt, type ItemPath } from './parse-item.js';
import { flatToolName } from './tool-names.js';
import {
  functionCallItemSchema,
  functionCallOutputItemSchema,
  itemTypeSchema,
  messageItemSchema,
  reasoningItemSchema,
  type WireContentPart,
  type WireMessageItem,
} from './wire-schema.js';

export interface DecodedInput {
  system: TextPart[];
  messages: Message[];
  warnings: string[];
}

/**
 * Responses `input` → canonical turns. Items are a flat list (messages, function calls, their
 * outputs, reasoning); neighbouring items of one side merge into one turn, as a model sees them:
 * an assistant message, its reasoning and its function calls are one assistant turn, and the
 * outputs that follow are one user turn. `system`/`developer` messages become system text
 * wherever they sit (Codex sends them first; Qwen-style templates reject late ones).
 */
export function decodeInput(input: string | unknown[], body: unknown): DecodedInput {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  const warnings = new Set<string>();
  if (typeof input === 'string') return { system, messages: [{ role: 'user', content: [{ type: 'text', text: input }] }], warnings: [] };
  input.forEach((item, position) => {
    const path: ItemPath = ['input', position];
    const type = parseAt(itemTypeSchema, item, path, body).type ?? 'message';
    switch (type) {
      case 'message': {
        const message = parseAt(messageItemSchema, item, path, body);
        if (message.role === 'system' || message.role === 'developer') system.push(...systemText(message, path));
        else if (message.role === 'user') appendTurn(messages, { role: 'user', content: userParts(message.content, [...path, 'content']) });
        else appendTurn(messages, { role: 'assistant', content: assistantParts(message, [...path, 'content']) });
        return;
      }
      case 'function_call': {
        const call = parseAt(functionCallItemSchema, item, path, body);
        const name = flatToolName(call.namespace, call.name);
        appendTurn(messages, { role: 'assistant', content: [{ type: 'tool-call', callId: call.call_id, name, argumentsJson: call.arguments }] });
        return;
      }
      case 'function_call_output': {
        const output = parseAt(functionCallOutputItemSchema, item, path, body);
        const content = typeof output.output === 'string' ? [{ type: 'text' as const, text: output.output }] : toolOutputParts(output.output, [...path, 'output']);
        appendTurn(messages, { role: 'user', content: [{ type: 'tool-result', callId: output.call_id, content, isError: false }] });
        return;
      }
      case 'reasoning': {
        const reasoning = parseAt(reasoningItemSchema, item, path, body);
        const text = [...(reasoning.summary ?? []), ...(reasoning.content ?? [])].map((part) => part.text).join('\n\n');
        // The upstream's opaque reasoning state (OpenAI encrypted_content, an Anthropic signature
        // Auxot handed out) travels as the signature; empty unsigned reasoning carries nothing.
        if (text === '' && reasoning.encrypted_content === undefined) return;
        const part: AssistantPart = { type: 'reasoning', text, ...(reasoning.encrypted_content === undefined ? {} : { signature: reasoning.encrypted_content }) };
        appendTurn(messages, { role: 'assistant', content: [part] });
        return;
      }
      case 'item_reference':
        throw invalidRequest([...path, 'type'], `Item references ('${formatParam(path)}') are not supported; send the items themselves.`);
      default:
        // Hosted-tool calls and their results (web_search_call, ...) only mean something to OpenAI.
        warnings.add(`input items of type ${JSON.stringify(type)} were dropped`);
        return;
    }
  });
  return { system, messages, warnings: [...warnings] };
}

function appendTurn(messages: Message[], next: Message): void {
  if (next.content.length === 0) return;
  const last = messages.at(-1);
  if (last === undefined || last.role !== next.role) messages.push(next);
  else if (last.role === 'user' && next.role === 'user') last.content.push(...next.content);
  else if (last.role === 'assistant' && next.role === 'assistant') last.content.push(...next.content);
}

function systemText(message: WireMessageItem, path: ItemPath): TextPart[] {
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  return message.content.map((part, index) => {
    if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: part.text };
    throw invalidRequest([...path, 'content', index, 'type'], `'${formatParam([...path, 'content', index])}' must be text in a ${message.role} message.`);
  });
}

function userParts(content: string | WireContentPart[], path: ItemPath): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, index) => userPart(part, [...path, index]));
}

function userPart(part: WireContentPart, path: ItemPath): UserPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      return imagePart(part.image_url, part.file_id, path);
    case 'input_file': {
      if (part.file_data === undefined) {
        const why = part.file_id !== undefined ? 'uploaded file ids (file_id) are not supported' : part.file_url !== undefined ? 'file URLs are not supported' : 'it is missing';
        throw invalidRequest([...path, 'file_data'], `'${formatParam(path)}.file_data' is required: ${why}; send the file inline as a base64 data URL.`);
      }
      const source = mediaSourceFromUrl(part.file_data, false);
      if (source === undefined) {
        throw invalidRequest([...path, 'file_data'], `Invalid '${formatParam(path)}.file_data': expected a base64 data URL (data:<media type>;base64,<data>).`);
      }
      return { type: 'document', source, ...(part.filename === undefined ? {} : { filename: part.filename }) };
    }
    case 'input_audio':
      throw invalidRequest([...path, 'type'], `Audio input ('${formatParam(path)}') is not supported.`);
  }
}

function imagePart(url: string | undefined, fileId: string | undefined, path: ItemPath): ImagePart {
  if (url === undefined) {
    const why = fileId === undefined ? 'is missing' : 'is required: uploaded file ids (file_id) are not supported';
    throw invalidRequest([...path, 'image_url'], `'${formatParam(path)}.image_url' ${why}; send an http(s) URL or a base64 data URL.`);
  }
  const source = mediaSourceFromUrl(url, true);
  if (source === undefined) {
    throw invalidRequest([...path, 'image_url'], `Invalid image URL at '${formatParam(path)}.image_url': expected an http(s) URL or a base64 data URL (data:<media type>;base64,<data>).`);
  }
  return { type: 'image', source };
}

function toolOutputParts(parts: WireContentPart[], path: ItemPath): Array<TextPart | ImagePart> {
  return parts.map((part, index) => {
    const decoded = userPart(part, [...path, index]);
    if (decoded.type === 'text' || decoded.type === 'image') return decoded;
    throw invalidRequest([...path, index, 'type'], `Files inside a function_call_output ('${formatParam([...path, index])}') are not supported.`);
  });
}

/** Texts join without a separator, exactly as a streamed answer's deltas concatenate. */
function assistantParts(message: WireMessageItem, path: ItemPath): AssistantPart[] {
  if (typeof message.content === 'string') return message.content === '' ? [] : [{ type: 'text', text: message.content }];
  const parts: AssistantPart[] = [];
  message.content.forEach((part, index) => {
    if (part.type === 'output_text' || part.type === 'input_text') {
      if (part.text !== '') parts.push({ type: 'text', text: part.text });
    } else if (part.type === 'refusal') {
      if (part.refusal !== '') parts.push({ type: 'text', text: part.refusal });
    } else {
      throw invalidRequest([...path, index, 'type'], `'${formatParam([...path, index])}' of type '${part.type}' cannot appear in an assistant message.`);
    }
  });
  return parts;
}
