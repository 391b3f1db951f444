/**
 * Holds back whitespace at the end of a stream of fragments until more text follows, so that it
 * can be dropped when the stream ends. node-llama-cpp's function-call parameter chunks end with the
 * newlines that close its JSON grammar (`{"city":"Paris"}\n\n\n\n`); whitespace inside the JSON
 * (a space in a string value) is still passed on, just one fragment later.
 */
export function holdTrailingWhitespace(pending: string, chunk: string): { emit: string; pending: string } {
  const text = pending + chunk;
  const kept = text.trimEnd();
  return { emit: kept, pending: text.slice(kept.length) };
}
