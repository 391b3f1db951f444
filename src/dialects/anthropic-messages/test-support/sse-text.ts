import { SseParser } from '../../sse/sse-parser.js';
import type { SseEvent } from '../../sse/sse-event.js';

/** Parses SSE text the way the HTTP layer will: through the project's own parser. */
export function parseSseText(text: string): SseEvent[] {
  const parser = new SseParser();
  const blocks = [...parser.push(Buffer.from(text)), ...parser.end()];
  return blocks.flatMap((block) => (block.event === undefined ? [] : [block.event]));
}

/** One `event:` + `data:` frame, with the data exactly as given (so tests can pad it like Anthropic). */
export function sseFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}
