import { isJsonObject, type JsonValue } from '../../canonical/json.js';

/**
 * Codex groups tools in `namespace` tools (`{type:'namespace', name, tools:[functions]}`) that
 * other dialects do not know. Translation flattens each grouped function into one canonical tool
 * named `<namespace>__<function>` (Chat Completions allows only `[A-Za-z0-9_-]` in names), and the
 * answer splits the name again so the caller sees the call in its namespace.
 */
export const NAMESPACE_SEPARATOR = '__';

export function flatToolName(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

export interface NamespacedName {
  name: string;
  namespace?: string;
}

/** Canonical name → the namespace and function the caller declared, read from its `tools`. */
export function namespaceIndex(tools: JsonValue | undefined): ReadonlyMap<string, NamespacedName> {
  const index = new Map<string, NamespacedName>();
  if (!Array.isArray(tools)) return index;
  for (const tool of tools) {
    if (!isJsonObject(tool) || tool.type !== 'namespace' || typeof tool.name !== 'string' || !Array.isArray(tool.tools)) continue;
    for (const inner of tool.tools) {
      if (isJsonObject(inner) && typeof inner.name === 'string') {
        index.set(flatToolName(tool.name, inner.name), { name: inner.name, namespace: tool.name });
      }
    }
  }
  return index;
}

export function splitToolName(index: ReadonlyMap<string, NamespacedName>, flat: string): NamespacedName {
  return index.get(flat) ?? { name: flat };
}
