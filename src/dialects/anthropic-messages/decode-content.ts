import type { AssistantPart, DocumentPart, ImagePart, MediaSource, TextPart, ToolResultPart, UserPart } from '../../canonical/chat-request.js';
import { checkWire, formatPath, parseWire, rejectField, type WirePath } from './parse-wire.js';
import { isTextBlock, isToolResultBlock, isToolUseBlock } from './wire-guards.js';
import {
  documentBlockSchema,
  imageBlockSchema,
  redactedThinkingBlockSchema,
  textBlockSchema,
  thinkingBlockSchema,
  toolResultBlockSchema,
  toolUseBlockSchema,
  type LooseBlock,
  type WireContent,
} from './wire-schema.js';

/**
 * Content blocks → canonical parts. Empty text is skipped (Anthropic rejects empty text blocks,
 * claude-code#59812, so carrying them only moves the failure downstream). Block types the
 * canonical model has no room for are dropped with a warning; they survive in `source.body` for a
 * same-dialect passthrough.
 */

export function decodeSystemContent(content: WireContent, path: WirePath): TextPart[] {
  if (typeof content === 'string') return textParts(content);
  return content.flatMap((block, index) => textParts(checkWire(isTextBlock, textBlockSchema, block, [...path, index]).text));
}

export function decodeUserContent(content: WireContent, path: WirePath, warnings: string[]): UserPart[] {
  if (typeof content === 'string') return textParts(content);
  return content.flatMap((block, index): UserPart[] => {
    const blockPath = [...path, index];
    switch (block.type) {
      case 'text':
        return textParts(checkWire(isTextBlock, textBlockSchema, block, blockPath).text);
      case 'image':
        return [decodeImage(block, blockPath)];
      case 'document':
        return decodeDocument(block, blockPath, warnings);
      case 'tool_result':
        return [decodeToolResult(block, blockPath, warnings)];
      default:
        return dropBlock(block, blockPath, warnings);
    }
  });
}

export function decodeAssistantContent(content: WireContent, path: WirePath, warnings: string[]): AssistantPart[] {
  if (typeof content === 'string') return textParts(content);
  return content.flatMap((block, index): AssistantPart[] => {
    const blockPath = [...path, index];
    switch (block.type) {
      case 'text':
        return textParts(checkWire(isTextBlock, textBlockSchema, block, blockPath).text);
      case 'thinking': {
        const thinking = parseWire(thinkingBlockSchema, block, blockPath);
        const signature = thinking.signature ?? '';
        return [{ type: 'reasoning', text: thinking.thinking, ...(signature === '' ? {} : { signature }) }];
      }
      case 'redacted_thinking': {
        const redacted = parseWire(redactedThinkingBlockSchema, block, blockPath);
        return [{ type: 'reasoning', text: '', redactedData: redacted.data }];
      }
      case 'tool_use': {
        const toolUse = checkWire(isToolUseBlock, toolUseBlockSchema, block, blockPath);
        return [{ type: 'tool-call', callId: toolUse.id, name: toolUse.name, argumentsJson: JSON.stringify(toolUse.input) }];
      }
      default:
        return dropBlock(block, blockPath, warnings);
    }
  });
}

function textParts(text: string): TextPart[] {
  return text === '' ? [] : [{ type: 'text', text }];
}

function dropBlock(block: LooseBlock, path: WirePath, warnings: string[]): [] {
  warnings.push(`Dropped a "${block.type}" block at ${formatPath(path)}: it has no equivalent outside Anthropic`);
  return [];
}

function decodeImage(block: LooseBlock, path: WirePath): ImagePart {
  const image = parseWire(imageBlockSchema, block, path);
  return { type: 'image', source: mediaSource(image.source, [...path, 'source']) };
}

type WireSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string } | { type: 'file' };

function mediaSource(source: WireSource, path: WirePath): MediaSource {
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: source.media_type, data: source.data };
    case 'url':
      return { kind: 'url', url: source.url };
    case 'file':
      // The Files API lives on Anthropic's side; no other upstream can resolve a file_id.
      return rejectField(path, 'of type "file" is not supported: send the content inline (base64) or as a URL');
  }
}

function decodeDocument(block: LooseBlock, path: WirePath, warnings: string[]): Array<DocumentPart | TextPart | ImagePart> {
  const document = parseWire(documentBlockSchema, block, path);
  const source = document.source;
  const sourcePath = [...path, 'source'];
  switch (source.type) {
    case 'base64':
    case 'url':
    case 'file': {
      const filename = document.title ?? undefined;
      return [{ type: 'document', source: mediaSource(source, sourcePath), ...(filename === undefined ? {} : { filename }) }];
    }
    case 'text':
      return textParts(source.data);
    case 'content':
      return decodeNestedContent(source.content, [...sourcePath, 'content'], warnings);
  }
}

function decodeToolResult(block: LooseBlock, path: WirePath, warnings: string[]): ToolResultPart {
  const result = checkWire(isToolResultBlock, toolResultBlockSchema, block, path);
  const content = result.content == null ? [] : decodeNestedContent(result.content, [...path, 'content'], warnings);
  return { type: 'tool-result', callId: result.tool_use_id, content, isError: result.is_error === true };
}

/** Tool results and `content` document sources carry text and images only. */
function decodeNestedContent(content: WireContent, path: WirePath, warnings: string[]): Array<TextPart | ImagePart> {
  if (typeof content === 'string') return textParts(content);
  return content.flatMap((block, index): Array<TextPart | ImagePart> => {
    const blockPath = [...path, index];
    switch (block.type) {
      case 'text':
        return textParts(checkWire(isTextBlock, textBlockSchema, block, blockPath).text);
      case 'image':
        return [decodeImage(block, blockPath)];
      default:
        return dropBlock(block, blockPath, warnings);
    }
  });
}
