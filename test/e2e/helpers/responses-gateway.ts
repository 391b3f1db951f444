import { startMockUpstream, type MockUpstream } from '../../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

/** The three HTTP upstream kinds a Responses caller can reach, each a real mock vendor demanding its own key. */
export type ResponsesUpstream = 'openai' | 'compat' | 'anthropic';

export const RESPONSES_UPSTREAMS: Record<ResponsesUpstream, { provider: string; kind: string; model: string; key: string }> = {
  /** kind `openai`: Responses callers are passed through to its own `/v1/responses`. */
  openai: { provider: 'openai-cloud', kind: 'openai', model: 'gpt-model', key: 'sk-upstream-openai-77aa' },
  /** kind `openai-compatible`: chat completions only, so Responses is translated. */
  compat: { provider: 'compat', kind: 'openai-compatible', model: 'oa-model', key: 'sk-upstream-compat-5f1c' },
  anthropic: { provider: 'claude', kind: 'anthropic', model: 'claude-model', key: 'sk-upstream-anthropic-9d2e' },
};

export interface ResponsesGateway {
  server: TestServer;
  upstreams: Record<ResponsesUpstream, MockUpstream>;
  close(): Promise<void>;
}

export async function startResponsesGateway(env: Record<string, string> = {}): Promise<ResponsesGateway> {
  const upstreams: Record<ResponsesUpstream, MockUpstream> = {
    openai: await startMockUpstream({ dialect: 'openai', requireApiKey: RESPONSES_UPSTREAMS.openai.key }),
    compat: await startMockUpstream({ dialect: 'openai', requireApiKey: RESPONSES_UPSTREAMS.compat.key }),
    anthropic: await startMockUpstream({ dialect: 'anthropic', requireApiKey: RESPONSES_UPSTREAMS.anthropic.key }),
  };
  const server = await startTestServer(env);
  for (const [name, upstream] of Object.entries(upstreams) as Array<[ResponsesUpstream, MockUpstream]>) {
    const spec = RESPONSES_UPSTREAMS[name];
    await server.addProvider({ name: spec.provider, kind: spec.kind, baseUrl: upstream.baseUrl, apiKey: spec.key, models: [spec.model] });
  }
  return {
    server,
    upstreams,
    async close() {
      await server.close();
      await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
    },
  };
}
