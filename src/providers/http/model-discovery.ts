import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { readBoundedBody } from './read-bounded-body.js';
import { ANTHROPIC_VERSION, normalizeBaseUrl, profileFor, type HttpProviderKind } from './upstream-profile.js';

export type ModelDiscovery = { ok: true; models: string[] } | { ok: false; reason: string };

/** Both vendors list models as `{data: [{id, …}]}`; Anthropic pages with `has_more` / `last_id`. */
const listSchema = z.object({
  data: z.array(z.object({ id: z.string().min(1) }).loose()),
  has_more: z.boolean().optional(),
  last_id: z.string().nullable().optional(),
});

const MAX_PAGES = 10;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Asks an upstream which models it serves: OpenAI-style `GET {base}/models`
 * (https://platform.openai.com/docs/api-reference/models/list) or Anthropic's
 * `GET /v1/models` (https://docs.claude.com/en/api/models-list). Never throws: a failure says why.
 */
export async function discoverModels(
  input: { kind: HttpProviderKind; baseUrl: string; apiKey: string | undefined },
  dispatcher: Dispatcher,
  timeoutMs = 5_000,
): Promise<ModelDiscovery> {
  const base = normalizeBaseUrl(input.kind, input.baseUrl);
  const basePath = base.pathname === '/' ? '' : base.pathname;
  const headers: Record<string, string> = { accept: 'application/json', ...profileFor(input.kind).authHeaders(input.apiKey) };
  if (input.kind === 'anthropic') headers['anthropic-version'] = ANTHROPIC_VERSION;
  const ids: string[] = [];
  let after: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = input.kind === 'anthropic' ? `${basePath}/v1/models?limit=1000${after === undefined ? '' : `&after_id=${encodeURIComponent(after)}`}` : `${basePath}/models`;
      const response = await dispatcher.request({ origin: base.origin, path, method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const raw = await readBoundedBody(response.body, MAX_BODY_BYTES);
      if (response.statusCode >= 400) return { ok: false, reason: `GET ${path} answered HTTP ${response.statusCode}` };
      const parsed = listSchema.safeParse(parseJson(raw));
      if (!parsed.success) return { ok: false, reason: `GET ${path} did not answer with a model list` };
      ids.push(...parsed.data.data.map((model) => model.id));
      if (input.kind !== 'anthropic' || parsed.data.has_more !== true || typeof parsed.data.last_id !== 'string') break;
      after = parsed.data.last_id;
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, models: [...new Set(ids)] };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
