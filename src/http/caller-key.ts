import type { IncomingHttpHeaders } from 'node:http';

/**
 * The caller's API key from `Authorization: Bearer …` or `x-api-key`, on every surface: the
 * Anthropic SDK 1.x sends Bearer, Claude Code with ANTHROPIC_API_KEY sends x-api-key.
 */
export function callerKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1] !== undefined) return match[1].trim();
  }
  const apiKey = headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value === undefined || value === '' ? undefined : value.trim();
}
