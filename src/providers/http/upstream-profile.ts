import type { DialectId } from '../../canonical/chat-request.js';
import type { UpstreamTarget } from '../../dialects/dialect.js';

export type HttpProviderKind = 'openai' | 'anthropic' | 'openai-compatible';

/** How one kind of HTTP upstream is addressed: its dialect, its paths, its auth header. */
export interface UpstreamProfile {
  dialect: DialectId;
  chatPath: string;
  /**
   * Further dialects the upstream speaks natively, with their paths: callers of those get a
   * byte-for-byte passthrough there instead of a translation to `dialect`.
   */
  nativePaths?: Partial<Record<DialectId, string>>;
  countTokensPath?: string;
  /** OpenAI's `/embeddings`, where the upstream serves embedding models. */
  embeddingsPath?: string;
  maxTokensField?: UpstreamTarget['maxTokensField'];
  authHeaders(apiKey: string | undefined): Record<string, string>;
}

/** The Anthropic API version Auxot speaks when it writes the request itself. */
export const ANTHROPIC_VERSION = '2023-06-01';

export function profileFor(kind: HttpProviderKind): UpstreamProfile {
  switch (kind) {
    case 'openai':
      // OpenAI's reasoning models reject `max_tokens`; `max_completion_tokens` works on every model.
      // Responses callers (Codex, the newest SDKs) reach OpenAI's own /responses, hosted tools included.
      return {
        dialect: 'openai-chat',
        chatPath: '/chat/completions',
        nativePaths: { 'openai-responses': '/responses' },
        embeddingsPath: '/embeddings',
        maxTokensField: 'max_completion_tokens',
        authHeaders: bearer,
      };
    case 'openai-compatible':
      // llama.cpp, vLLM and Ollama all accept `max_tokens`; some older ones know nothing else.
      return { dialect: 'openai-chat', chatPath: '/chat/completions', embeddingsPath: '/embeddings', maxTokensField: 'max_tokens', authHeaders: bearer };
    case 'anthropic':
      return {
        dialect: 'anthropic-messages',
        chatPath: '/v1/messages',
        countTokensPath: '/v1/messages/count_tokens',
        authHeaders: (apiKey): Record<string, string> => (apiKey === undefined ? {} : { 'x-api-key': apiKey }),
      };
  }
}

function bearer(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
}

/**
 * Base URLs follow each SDK's convention: OpenAI-style bases include `/v1`
 * (`https://api.openai.com/v1`), Anthropic's do not (`https://api.anthropic.com`). A trailing `/v1`
 * on an Anthropic base is forgiven.
 */
export function normalizeBaseUrl(kind: HttpProviderKind, baseUrl: string): URL {
  let text = baseUrl.replace(/\/+$/, '');
  if (kind === 'anthropic' && text.endsWith('/v1')) text = text.slice(0, -3);
  return new URL(text);
}
