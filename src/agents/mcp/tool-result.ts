import type { ToolOutcome } from '../tool-source.js';

/** One item of an MCP tool result, as loosely as the protocol allows servers to send it. */
interface ContentItem {
  type: string;
  text?: unknown;
  mimeType?: unknown;
  data?: unknown;
  uri?: unknown;
  name?: unknown;
  resource?: { uri?: unknown; mimeType?: unknown; text?: unknown; blob?: unknown };
}

export interface McpCallResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}

/** Secret values shorter than this are not searched for: replacing every `ab` would wreck the result. */
const MIN_REDACTED_LENGTH = 4;

/**
 * A tool result as text for the model: text items as they are, other items described in one line,
 * structured content as JSON when there is no text. Then every injected secret value is replaced
 * (a server that echoes its environment or headers must not hand a credential to the model) and
 * the text is cut to `maxBytes`.
 */
export function resultOutcome(result: McpCallResult, maxBytes: number, secrets: readonly string[]): ToolOutcome {
  const items = Array.isArray(result.content) ? (result.content as ContentItem[]) : [];
  const parts = items.map(describeItem);
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  return { content: capText(redactValues(parts.join('\n'), secrets), maxBytes), isError: result.isError === true };
}

function describeItem(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return typeof item.text === 'string' ? item.text : '';
    case 'image':
    case 'audio':
      return `[${item.type} ${String(item.mimeType)}, ${typeof item.data === 'string' ? Math.floor((item.data.length * 3) / 4) : 0} bytes, not shown]`;
    case 'resource_link':
      return `[resource link ${String(item.uri)}${typeof item.name === 'string' ? ` (${item.name})` : ''}]`;
    case 'resource':
      if (typeof item.resource?.text === 'string') return item.resource.text;
      return `[resource ${String(item.resource?.uri)} (${typeof item.resource?.mimeType === 'string' ? item.resource.mimeType : 'binary'}), not shown]`;
    default:
      return `[${item.type} content, not shown]`;
  }
}

export function redactValues(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const value of secrets) if (value.length >= MIN_REDACTED_LENGTH) redacted = redacted.split(value).join('[secret]');
  return redacted;
}

/** At most `maxBytes` of UTF-8 (never a split character), with a note saying how much was cut. */
export function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const kept = bytes.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
  return `${kept}\n[result cut: ${Buffer.byteLength(kept)} of ${bytes.length} bytes shown]`;
}
