import type { AssistantPart, Message, ModelRequest, UserPart } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { JsonObject } from '../../canonical/json.js';

/** What Claude Code is given for one job. */
export interface ClaudePrompt {
  /** The caller's system text, appended to Claude Code's own system prompt; undefined when empty. */
  systemText: string | undefined;
  /** The one stream-json user message written to stdin, newline-terminated. */
  stdinLine: string;
}

/**
 * Requests the CLI engine cannot serve honestly, refused before a process starts. Caller-declared
 * tools are routed to API or GPU providers instead (docs/wire-formats.md §4.3, third option): Claude
 * Code runs its own tools and could not hand a tool call back to the caller.
 */
export function refusalFor(request: ModelRequest): GatewayError | undefined {
  if (request.tools.length > 0) {
    return new GatewayError(
      'invalid_request',
      'The Claude Code CLI engine does not run caller-declared tools; route requests with tools to an API or GPU provider',
      { param: 'tools' },
    );
  }
  const last = request.messages.at(-1);
  if (last?.role !== 'user') {
    return new GatewayError(
      'invalid_request',
      'The Claude Code CLI engine needs a conversation that ends with a user message (it cannot continue a prefilled answer)',
      { param: 'messages' },
    );
  }
  return undefined;
}

/**
 * Claude Code takes one user turn per stdin message and keeps its history in its own session
 * files, so a caller's multi-turn history cannot be replayed as real turns. A single user turn is
 * sent as its own content blocks (text, images, documents). A longer conversation becomes one
 * message: a transcript of the earlier turns in `<user>` / `<assistant>` tags, then the last user
 * message, with images and documents kept as blocks in place.
 * Call `refusalFor` first: the request must end with a user message. Throws `invalid_request` when
 * there is nothing to send.
 */
export function buildPrompt(request: ModelRequest): ClaudePrompt {
  const systemText = request.system.map((part) => part.text).join('\n\n');
  const blocks = new BlockBuilder();
  const earlier = request.messages.slice(0, -1);
  const last = request.messages.at(-1);
  if (earlier.length > 0) {
    blocks.text('The conversation so far, oldest turn first:\n\n');
    for (const message of earlier) addTurn(blocks, message);
    blocks.text("The user's latest message follows; reply to it.\n\n");
  }
  if (last !== undefined) addParts(blocks, last);
  const content = blocks.finish();
  if (content.length === 0) {
    throw new GatewayError('invalid_request', 'The conversation has no text, image or document to send', { param: 'messages' });
  }
  const message = { type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, session_id: '' };
  return { systemText: systemText.trim() === '' ? undefined : systemText, stdinLine: `${JSON.stringify(message)}\n` };
}

function addTurn(blocks: BlockBuilder, message: Message): void {
  blocks.text(`<${message.role}>\n`);
  addParts(blocks, message);
  blocks.text(`\n</${message.role}>\n\n`);
}

function addParts(blocks: BlockBuilder, message: Message): void {
  if (message.role === 'user') for (const part of message.content) addUserPart(blocks, part);
  else for (const part of message.content) addAssistantPart(blocks, part);
}

function addUserPart(blocks: BlockBuilder, part: UserPart): void {
  switch (part.type) {
    case 'text':
      return blocks.text(part.text);
    case 'image':
      return blocks.media({ type: 'image', source: mediaSource(part.source) });
    case 'document':
      return blocks.media({
        type: 'document',
        source: mediaSource(part.source),
        ...(part.filename === undefined ? {} : { title: part.filename }),
      });
    case 'tool-result': {
      const flag = part.isError ? ' (error)' : '';
      blocks.text(`[result of tool call ${part.callId}${flag}]\n`);
      for (const item of part.content) addUserPart(blocks, item);
      return blocks.text('\n');
    }
  }
}

function addAssistantPart(blocks: BlockBuilder, part: AssistantPart): void {
  switch (part.type) {
    case 'text':
      return blocks.text(part.text);
    case 'tool-call':
      return blocks.text(`\n[called tool ${part.name} (call ${part.callId}) with ${part.argumentsJson}]\n`);
    case 'reasoning':
      // Earlier thinking is not context the model needs, and its signature cannot travel this way.
      return;
  }
}

function mediaSource(source: Extract<UserPart, { type: 'image' }>['source']): JsonObject {
  switch (source.kind) {
    case 'base64':
      return { type: 'base64', media_type: source.mediaType, data: source.data };
    case 'url':
      return { type: 'url', url: source.url };
  }
}

/** Anthropic content blocks, merging adjacent text and never writing an empty text block (claude-code #59812). */
class BlockBuilder {
  private readonly blocks: JsonObject[] = [];
  private pending = '';

  text(text: string): void {
    this.pending += text;
  }

  media(block: JsonObject): void {
    this.flush();
    this.blocks.push(block);
  }

  finish(): JsonObject[] {
    this.flush();
    return this.blocks;
  }

  private flush(): void {
    if (this.pending.trim() !== '') this.blocks.push({ type: 'text', text: this.pending });
    this.pending = '';
  }
}
