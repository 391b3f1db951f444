import type { ModelRequest, TextPart, UserMessage, AssistantMessage } from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';
import { dataUrl, urlFromMediaSource } from '../openai-chat/media-url.js';

/** Canonical turns → Responses `input` items; system text goes to `instructions` instead. */
export function encodeInput(request: ModelRequest, warnings: Set<string>): JsonObject[] {
  const items: JsonObject[] = [];
  for (const message of request.messages) {
    if (message.role === 'user') items.push(...userItems(message));
    else items.push(...assistantItems(message, warnings));
  }
  return items;
}

/** Function outputs first (they answer the previous turn's calls), then the user's own message. */
function userItems(message: UserMessage): JsonObject[] {
  const outputs: JsonObject[] = [];
  const content: JsonObject[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'tool-result': {
        const texts = part.content.filter((item): item is TextPart => item.type === 'text').map((item) => item.text).join('\n\n');
        const images = part.content.flatMap((item) => (item.type === 'image' ? [{ type: 'input_image', image_url: urlFromMediaSource(item.source), detail: 'auto' }] : []));
        const text = part.isError ? `Error: ${texts}` : texts;
        outputs.push({ type: 'function_call_output', call_id: part.callId, output: images.length === 0 ? text : [{ type: 'input_text', text }, ...images] });
        break;
      }
      case 'text':
        content.push({ type: 'input_text', text: part.text });
        break;
      case 'image':
        content.push({ type: 'input_image', image_url: urlFromMediaSource(part.source), detail: 'auto' });
        break;
      case 'document':
        content.push(
          part.source.kind === 'base64'
            ? { type: 'input_file', file_data: dataUrl(part.source.mediaType, part.source.data), filename: part.filename ?? 'document' }
            : { type: 'input_file', file_url: part.source.url },
        );
        break;
    }
  }
  return content.length === 0 ? outputs : [...outputs, { type: 'message', role: 'user', content }];
}

function assistantItems(message: AssistantMessage, warnings: Set<string>): JsonObject[] {
  const items: JsonObject[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: part.text }] });
        break;
      case 'reasoning':
        // Only OpenAI's own encrypted state can be replayed; other reasoning is plain history.
        if (part.signature === undefined) warnings.add('reasoning from earlier assistant turns was dropped');
        else items.push({ type: 'reasoning', summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }], encrypted_content: part.signature });
        break;
      case 'tool-call':
        items.push({ type: 'function_call', call_id: part.callId, name: part.name, arguments: part.argumentsJson });
        break;
    }
  }
  return items;
}
