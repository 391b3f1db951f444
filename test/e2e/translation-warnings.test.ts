import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiClient } from './helpers/clients.js';
import { PROVIDERS, startGatewayWithUpstreams, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';

/** Features a translation cannot carry are named in `x-auxot-warnings`, never dropped silently. */
describe('translation warnings', () => {
  let gateway: GatewayWithUpstreams;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
  });
  afterAll(() => gateway.close());

  it('names what an Anthropic upstream could not take from an OpenAI caller', async () => {
    gateway.upstreams.anthropic.enqueue({ kind: 'turn', turn: { text: 'ok' } });
    const { response } = await openAiClient(gateway.server)
      .chat.completions.create({
        model: PROVIDERS.anthropic.model,
        messages: [{ role: 'user', content: 'hi' }],
        seed: 7,
        logprobs: true,
        response_format: { type: 'json_object' },
      })
      .withResponse();
    const warnings = response.headers.get('x-auxot-warnings') ?? '';
    expect(warnings).toMatch(/seed/);
    expect(warnings).toMatch(/logprobs/);
    expect(warnings).toMatch(/json_object/);
  });

  it('sends no warnings header for a same-dialect passthrough', async () => {
    gateway.upstreams.openai.enqueue({ kind: 'turn', turn: { text: 'ok' } });
    const { response } = await openAiClient(gateway.server)
      .chat.completions.create({ model: PROVIDERS.openai.model, messages: [{ role: 'user', content: 'hi' }], seed: 7 })
      .withResponse();
    expect(response.headers.get('x-auxot-warnings')).toBeNull();
  });
});
