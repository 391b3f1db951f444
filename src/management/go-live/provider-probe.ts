import type { Dispatcher } from 'undici';
import { ANTHROPIC_VERSION, normalizeBaseUrl, profileFor, type HttpProviderKind } from '../../providers/http/upstream-profile.js';
import { untrustedExcerpt } from './untrusted-text.js';

/** What one cheap call to an upstream found: an HTTP status with the start of its body, or why no answer came. */
export type ProbeAnswer =
  | { kind: 'answered'; status: number; path: string; isModelList: boolean; upstreamText: string | undefined }
  | { kind: 'no-answer'; path: string; reason: string };

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Lists the upstream's models once — OpenAI-style `GET {base}/models`, Anthropic `GET /v1/models` —
 * with the provider's key and a short timeout. Nothing the upstream says is interpreted as more
 * than a status and "is this a model list": its text comes back only as an untrusted excerpt.
 */
export async function probeHttpProvider(
  input: { kind: HttpProviderKind; baseUrl: string; apiKey: string | undefined },
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<ProbeAnswer> {
  const base = normalizeBaseUrl(input.kind, input.baseUrl);
  const basePath = base.pathname === '/' ? '' : base.pathname;
  const path = input.kind === 'anthropic' ? `${basePath}/v1/models` : `${basePath}/models`;
  const headers: Record<string, string> = { accept: 'application/json', ...profileFor(input.kind).authHeaders(input.apiKey) };
  if (input.kind === 'anthropic') headers['anthropic-version'] = ANTHROPIC_VERSION;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await dispatcher.request({ origin: base.origin, path, method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal });
    const body = await readCapped(response.body, MAX_BODY_BYTES);
    const isModelList = response.statusCode < 300 && looksLikeModelList(body);
    return { kind: 'answered', status: response.statusCode, path, isModelList, upstreamText: isModelList ? undefined : untrustedExcerpt(body) };
  } catch (error) {
    return { kind: 'no-answer', path, reason: signal.aborted ? `no answer within ${timeoutMs / 1000} s` : networkReason(error) };
  }
}

function looksLikeModelList(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown };
    return Array.isArray(parsed.data);
  } catch {
    return false;
  }
}

/** The first bytes of a body; the rest is dropped (an upstream is untrusted, so is its size). */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body) {
    parts.push(part);
    size += part.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}

/** Why a connection failed, in Auxot's words: from the error code only, never the message text. */
function networkReason(error: unknown): string {
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens there)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before an answer';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'no answer in time';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'its TLS certificate is not trusted';
    default:
      return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `the connection failed (${code})` : 'the connection failed';
  }
}
