import { createHash } from 'node:crypto';

/** What a server says about one tool; the parts an approval pins. */
export interface McpToolDefinition {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown> | undefined;
  annotations?: Record<string, unknown> | undefined;
}

const MAX_TOOL_NAME = 64;
const NAME_SEPARATOR = '__';

/**
 * SHA-256 of the definition as the model would meet it: name, title, description, input and
 * output schemas, annotations; keys sorted so that the same definition always hashes the same.
 * Any change (a reworded description is enough to steer a model) needs a new approval.
 */
export function toolHash(tool: McpToolDefinition): string {
  const pinned = { name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema, annotations: tool.annotations };
  return createHash('sha256').update(canonicalJson(pinned)).digest('hex');
}

/** JSON with object keys sorted and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/**
 * The name the model sees: `<connection>__<tool>`. Tool names outside `[a-zA-Z0-9_-]` or too long
 * for the 64-character limit are cleaned and shortened, with 8 hex digits of the original name's
 * hash so that two tools never meet under one name. Connection names never contain `__`.
 */
export function exposedToolName(connection: string, tool: string): string {
  const plain = `${connection}${NAME_SEPARATOR}${tool}`;
  if (/^[a-zA-Z0-9_-]+$/.test(plain) && plain.length <= MAX_TOOL_NAME) return plain;
  const suffix = createHash('sha256').update(tool).digest('hex').slice(0, 8);
  const room = MAX_TOOL_NAME - connection.length - NAME_SEPARATOR.length - suffix.length - 1;
  return `${connection}${NAME_SEPARATOR}${tool.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, Math.max(room, 1))}_${suffix}`;
}

/** The connection part of an exposed name (everything before the first `__`). */
export function connectionOfToolName(name: string): string | undefined {
  const at = name.indexOf(NAME_SEPARATOR);
  return at <= 0 ? undefined : name.slice(0, at);
}

/** An object schema for the model, whatever the server sent (the tool contract wants an object schema). */
export function modelInputSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  void $schema;
  return rest.type === 'object' ? rest : { properties: {}, ...rest, type: 'object' };
}
