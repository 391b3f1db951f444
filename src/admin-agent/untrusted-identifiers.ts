/**
 * Names that came from outside (model lists from an upstream's /models, names a worker reports)
 * are shown to the Admin Agent only when they are plain identifiers: no spaces, no sentences, a
 * bounded length. Anything else is withheld, and the caller treats the read as outside text.
 */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}$/;
const OUTSIDE_KEYS = new Set(['models', 'model', 'name', 'hostname', 'version']);
export const WITHHELD = '[withheld: not a plain identifier]';

export function withheldIdentifiers(value: unknown): { value: unknown; withheld: number } {
  let withheld = 0;
  const visit = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (key === undefined || !OUTSIDE_KEYS.has(key) || IDENTIFIER.test(node)) return node;
      withheld++;
      return WITHHELD;
    }
    if (Array.isArray(node)) return node.map((item) => visit(item, key));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([name, item]) => [name, visit(item, name)]));
    return node;
  };
  return { value: visit(value, undefined), withheld };
}
