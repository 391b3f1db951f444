/**
 * The last line of defence for logs: whatever a message or field holds, strings shaped like the
 * credentials Auxot handles are masked before a line is written. Callers are still expected never
 * to log secrets; this catches the ones that slip in through error texts.
 *
 * - Auxot caller and worker keys: `axk_…`, `axw_…`
 * - OpenAI and Anthropic API keys: `sk-…`, `sk-ant-…`
 * - any `Bearer <token>` (an Authorization header copied into a message)
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, (match: string) => string]> = [
  [/\b(ax[kw]_)[A-Za-z0-9_-]{6,}/g, (match) => `${match.slice(0, 4)}[redacted]`],
  [/\b(sk-(?:ant-)?)[A-Za-z0-9_-]{6,}/g, (match) => `${match.startsWith('sk-ant-') ? 'sk-ant-' : 'sk-'}[redacted]`],
  [/\b(Bearer\s+)[^\s"',]{6,}/gi, () => 'Bearer [redacted]'],
];

export function scrubSecrets(line: string): string {
  let result = line;
  for (const [pattern, replace] of SECRET_PATTERNS) result = result.replace(pattern, replace);
  return result;
}
