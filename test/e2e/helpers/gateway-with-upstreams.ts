import { startMockUpstream, type MockDialect, type MockUpstream } from '../../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

/** The provider keys the mocks demand: a request carrying anything else (the caller's key) gets 401. */
export const UPSTREAM_KEYS: Record<MockDialect, string> = { openai: 'sk-upstream-openai-5f1c', anthropic: 'sk-upstream-anthropic-9d2e' };

/** The provider names and the one model each serves. */
export const PROVIDERS: Record<MockDialect, { name: string; model: string }> = {
  openai: { name: 'compat', model: 'oa-model' },
  anthropic: { name: 'claude', model: 'claude-model' },
};

export interface GatewayWithUpstreams {
  server: TestServer;
  upstreams: Record<MockDialect, MockUpstream>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  env?: Record<string, string>;
  /** Extra provider settings per upstream (e.g. `defaultMaxOutputTokens`). */
  settings?: Partial<Record<MockDialect, Record<string, unknown>>>;
}

/**
 * The real server with two real mock vendors behind it: an OpenAI-compatible one (provider kind
 * `openai-compatible`) and an Anthropic one (kind `anthropic`), each demanding its own provider key.
 */
export async function startGatewayWithUpstreams(options: GatewayOptions = {}): Promise<GatewayWithUpstreams> {
  const openai = await startMockUpstream({ dialect: 'openai', requireApiKey: UPSTREAM_KEYS.openai });
  const anthropic = await startMockUpstream({ dialect: 'anthropic', requireApiKey: UPSTREAM_KEYS.anthropic });
  const server = await startTestServer(options.env);
  await server.addProvider({
    name: PROVIDERS.openai.name,
    kind: 'openai-compatible',
    baseUrl: openai.baseUrl,
    apiKey: UPSTREAM_KEYS.openai,
    models: [PROVIDERS.openai.model],
    ...(options.settings?.openai === undefined ? {} : { settings: options.settings.openai }),
  });
  await server.addProvider({
    name: PROVIDERS.anthropic.name,
    kind: 'anthropic',
    baseUrl: anthropic.baseUrl,
    apiKey: UPSTREAM_KEYS.anthropic,
    models: [PROVIDERS.anthropic.model],
    ...(options.settings?.anthropic === undefined ? {} : { settings: options.settings.anthropic }),
  });
  return {
    server,
    upstreams: { openai, anthropic },
    async close() {
      await server.close();
      await openai.close();
      await anthropic.close();
    },
  };
}

/** The body of the latest chat request an upstream received, as a plain record. */
export function lastBody(upstream: MockUpstream): Record<string, any> {
  const request = upstream.requests.at(-1);
  if (request === undefined) throw new Error(`the ${upstream.dialect} upstream received no chat request`);
  return request.body as Record<string, any>;
}
