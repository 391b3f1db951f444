import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ask } from './helpers/cascade-calls.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { Org } from './helpers/governance.js';

/**
 * Each policy rule, enforced before any provider is called, refusing with the right status, the
 * caller's own error shape and its rate-limit headers; exact under concurrency.
 */
describe('governance: policy rules', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let gpuLike: MockUpstream;
  let org: Org;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    gpuLike = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({
      name: 'cloud',
      kind: 'openai-compatible',
      baseUrl: upstream.baseUrl,
      models: ['cheap', 'premium'],
      // A price, so budgets have something to count: $1,000 per million output tokens.
      settings: { prices: { '*': { inputPerMTok: 0, outputPerMTok: 1_000 } } },
    });
    await server.addProvider({ name: 'local', kind: 'openai-compatible', tier: 'gpu', baseUrl: gpuLike.baseUrl, models: ['local-model'] });
    await server.admin('PUT', '/api/admin/routes/smart', { candidates: [{ provider: 'local', model: 'local-model' }, { provider: 'cloud', model: 'premium' }] });
    org = new Org(server);
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
    await gpuLike.close();
  });

  async function keyIn(team: string, policy: Record<string, unknown>): Promise<string> {
    await org.team(team);
    await org.policy(team, policy);
    return (await org.personWithKey(`${team}-person`, team)).key;
  }

  it('refuses an unapproved model with 403 in each dialect, naming the rule, before calling any provider', async () => {
    const key = await keyIn('approvals', { approvedModels: ['cheap'] });
    const before = upstream.requests.length;
    expect((await ask(server, 'cheap', 'ok', { key })).status).toBe(200);
    const openai = await openAiClient(server, key).chat.completions.create({ model: 'premium', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(openai).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((openai as InstanceType<typeof OpenAI.APIError>).message).toMatch(/policy approvedModels: model premium is not approved/);
    const anthropic = await anthropicClient(server, key).messages.create({ model: 'premium', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(anthropic).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((anthropic as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(upstream.requests.length).toBe(before + 1);
    const [record] = await server.requestLog(1);
    expect(record).toMatchObject({ status: 403, errorCode: 'forbidden', teamId: expect.stringMatching(/^team_/) });
    expect(record.decision[0].reason).toMatch(/policy approvedModels/);
  });

  it('skips candidates of a forbidden tier or provider, naming them in the record, and refuses when none is left', async () => {
    const key = await keyIn('cloud-only', { allowedTiers: ['cloud'] });
    const answer = await ask(server, 'smart', 'route me', { key });
    expect(answer).toMatchObject({ status: 200, provider: 'cloud' });
    const [record] = await server.requestLog(1);
    expect(record.decision).toEqual([
      { provider: 'local', model: 'local-model', tier: 'gpu', outcome: 'skipped', reason: 'policy allowedTiers: the gpu tier is not allowed' },
      { provider: 'cloud', model: 'premium', tier: 'cloud', outcome: 'used' },
    ]);
    const none = await keyIn('nobody', { allowedProviders: ['elsewhere'] });
    const refused = await ask(server, 'smart', 'route me', { key: none });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Refused by policy for team 'nobody'.*allowedProviders/);
  });

  it('admits exactly 50 of 100 simultaneous requests against 50 per minute; the rest get 429 naming the rule, with Retry-After', async () => {
    const key = await keyIn('rpm', { requestsPerMinute: 50 });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, index) => ask(server, 'cheap', `n${index}`, { key })));
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(admitted).toHaveLength(50);
    expect(refused).toHaveLength(50);
    expect(refused[0]?.body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', message: expect.stringMatching(/team 'rpm' allows 50 requests per minute \(policy requestsPerMinute\)/) });
    expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused[0]?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const remaining = admitted.map((answer) => Number(answer.headers.get('x-ratelimit-remaining-requests'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(admitted[0]?.headers.get('x-ratelimit-limit-requests')).toBe('50');
    expect(admitted[0]?.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?(ms|s)$|^\d+m\d+(\.\d+)?s$/);
  });

  it('speaks Anthropic rate-limit headers to Anthropic callers, and the SDKs raise RateLimitError', async () => {
    const key = await keyIn('anthropic-rpm', { requestsPerMinute: 1, tokensPerMinute: 100_000 });
    const client = anthropicClient(server, key);
    const { response } = await client.messages.create({ model: 'cheap', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('1');
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(response.headers.get('anthropic-ratelimit-requests-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(response.headers.get('anthropic-ratelimit-tokens-limit')).toBe('100000');
    const second = await client.messages.create({ model: 'cheap', max_tokens: 10, messages: [{ role: 'user', content: 'again' }] }).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(Anthropic.RateLimitError);
    const openaiSecond = await openAiClient(server, key).chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(openaiSecond).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('reserves tokens per minute at admission and refuses a request that alone needs more than the limit', async () => {
    const key = await keyIn('tpm', { tokensPerMinute: 1_000 });
    const tooBig = await openAiClient(server, key).chat.completions.create({ model: 'cheap', max_tokens: 5_000, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(tooBig).toBeInstanceOf(OpenAI.RateLimitError);
    expect((tooBig as InstanceType<typeof OpenAI.APIError>).message).toMatch(/more than the 1000 per minute team 'tpm' allows/);
    const fits = await openAiClient(server, key).chat.completions.create({ model: 'cheap', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).withResponse();
    // Settled with the real usage afterwards: far less than the 100 reserved for output.
    expect(Number(fits.response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(1_000);
  });

  it('lowers the output limit to the policy ceiling, in passthrough and translation alike, and says so', async () => {
    const key = await keyIn('ceiling', { maxOutputTokens: 64 });
    const openai = await ask(server, 'cheap', 'long', { key });
    expect(openai.headers.get('x-auxot-warnings')).toMatch(/output limit set to 64 tokens by policy maxOutputTokens/);
    expect(upstream.requests.at(-1)?.body).toMatchObject({ max_tokens: 64 });
    await anthropicClient(server, key).messages.create({ model: 'cheap', max_tokens: 4_000, messages: [{ role: 'user', content: 'x' }] });
    expect(upstream.requests.at(-1)?.body).toMatchObject({ max_tokens: 64 });
    const [record] = await server.requestLog(1);
    expect(record.policyDecisions).toContainEqual(expect.objectContaining({ rule: 'maxOutputTokens', outcome: 'applied', detail: '4000 -> 64' }));
  });

  it('stops at the monthly budget, overshooting by no more than the requests in flight when it ran out', async () => {
    const key = await keyIn('budget', { monthlyBudgetUsd: 0.05 });
    // Each answer costs output tokens × $0.001; the mock's default answer is a handful of tokens.
    const statuses: number[] = [];
    for (let index = 0; index < 40 && !statuses.includes(429); index++) statuses.push((await ask(server, 'cheap', `spend ${index}`, { key })).status);
    expect(statuses.at(-1)).toBe(429);
    const spent = (await server.admin('GET', '/api/admin/usage?groupBy=team&team=budget')).body.data[0].costUsd as number;
    expect(spent).toBeGreaterThanOrEqual(0.05);
    const perRequest = spent / statuses.filter((status) => status === 200).length;
    expect(spent - 0.05).toBeLessThan(perRequest);
    const refused = await ask(server, 'cheap', 'more', { key });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/team 'budget' has spent its monthly budget of \$0.05/);
  });
});
