import type { McpTransportConfig } from '../../store/secret-records.js';

const REFERENCE = /\$\{secret:([A-Za-z_][A-Za-z0-9_.-]{0,127})\}/g;

/** The secret names a transport's env values and header values refer to. */
export function referencedSecrets(transport: McpTransportConfig): string[] {
  const values = Object.values(transport.type === 'stdio' ? transport.env : transport.headers);
  return [...new Set(values.flatMap((value) => [...value.matchAll(REFERENCE)].map((match) => match[1] as string)))];
}

/** The transport with every `${secret:NAME}` replaced by its value (`values` holds every name referenced). */
export function withSecrets(transport: McpTransportConfig, values: ReadonlyMap<string, string>): McpTransportConfig {
  const fill = (record: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value.replace(REFERENCE, (_whole, name: string) => values.get(name) ?? '')]));
  return transport.type === 'stdio' ? { ...transport, env: fill(transport.env) } : { ...transport, headers: fill(transport.headers) };
}
