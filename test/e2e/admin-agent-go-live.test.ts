import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { AdminChat, tuneAdminAgent, turnOf } from './helpers/admin-agent.js';
import { adminAs } from './helpers/governance.js';

/**
 * What a capable model does with "validate everything and go live": validate, and go live only
 * when what is left to fix is what going live fixes (teams without keys); otherwise report.
 */
function goLiveModel(request: RecordedRequest): Scenario {
  const { said, step, results } = turnOf(request);
  if (!said.includes('go live')) return { kind: 'turn', turn: { text: 'Ask me to validate and go live.' } };
  if (step === 0) return { kind: 'turn', turn: { toolCalls: [{ name: 'platform_validate', arguments: '{}' }] } };
  if (step === 1) {
    const report = /\{[\s\S]*\}/.exec(results[0] ?? '')?.[0] ?? '{}';
    const failing = ((JSON.parse(report) as { checks?: Array<{ check: string; ok: boolean; fix?: string }> }).checks ?? []).filter((check) => !check.ok && check.check !== 'team.apiKey');
    if (failing.length > 0) return { kind: 'turn', turn: { text: `Not yet. Fix first: ${failing.map((check) => `${check.check}: ${check.fix}`).join(' | ')}` } };
    return { kind: 'turn', turn: { toolCalls: [{ name: 'go_live', arguments: '{}' }] } };
  }
  return { kind: 'turn', turn: { text: 'Everything checks out. Confirm the plan and the teams get their keys.' } };
}

/** Conversation 5 of the product page: validate everything and go live. */
describe('the Admin Agent validates the configuration and goes live', () => {
  let server: TestServer;
  let brain: MockUpstream;
  let cloud: MockUpstream;
  let ownerKey: string;

  beforeAll(async () => {
    brain = await startMockUpstream({ dialect: 'openai' });
    cloud = await startMockUpstream({ dialect: 'openai', models: ['cloud-model'] });
    server = await startTestServer();
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: brain.baseUrl, models: ['admin-model'] });
    await server.addProvider({ name: 'cloud', kind: 'openai-compatible', baseUrl: cloud.baseUrl, models: ['cloud-model'] });
    await server.admin('PUT', '/api/admin/routes/default', { candidates: [{ provider: 'cloud', model: 'cloud-model' }] });
    for (const team of ['engineering', 'data-science']) {
      await server.admin('POST', '/api/admin/teams', { name: team, policy: { requestsPerMinute: 100, serviceClass: team === 'engineering' ? 'interactive' : 'batch' } });
    }
    await tuneAdminAgent(server, 'admin-model');
    brain.setHandler(goLiveModel);
    cloud.setHandler(() => ({ kind: 'turn', turn: { text: 'live!' } }));
  });

  afterAll(async () => {
    await server?.close();
    await Promise.all([brain?.close(), cloud?.close()]);
  });

  it('conversation 5: the report says what to fix; once fixed, go-live mints the teams’ keys out of band and hands off', async () => {
    // Still on the start-up key: the report says to replace it, and the agent does not go live.
    const first = await new AdminChat(server).start();
    const refused = await first.say('Validate everything and go live.');
    expect(refused.plan).toBeUndefined();
    expect(refused.message.text).toContain('key.bootstrap');

    // The owner moves to a personal key and revokes the start-up one (as the report says).
    const personal = (await server.admin('POST', '/api/admin/keys', { name: 'owner-laptop' })).body;
    ownerKey = personal.key;
    const startupKey = (await adminAs(server, ownerKey, 'GET', '/api/admin/keys?state=active')).body.data.find((key: any) => key.id !== personal.apiKey.id && key.role === 'owner');
    expect((await adminAs(server, ownerKey, 'DELETE', `/api/admin/keys/${startupKey.id}`)).status).toBe(200);

    const chat = await new AdminChat(server, ownerKey).start();
    const turn = await chat.say('Validate everything and go live.');
    expect(turn.plan.purpose).toBe('go-live');
    expect(turn.plan.operations.map((operation: any) => operation.summary)).toEqual([
      "create serviceAccounts 'data-science-apps'",
      "create keys 'data-science-go-live'",
      "create serviceAccounts 'engineering-apps'",
      "create keys 'engineering-go-live'",
    ]);
    const applied = await chat.confirm(turn.plan);
    expect(applied.failed).toBeUndefined();
    expect(applied.deliveries.map((delivery: any) => delivery.label)).toEqual(["API key 'data-science-go-live' for team data-science", "API key 'engineering-go-live' for team engineering"]);
    expect(applied.handoff).toContain('/api/openai/v1');
    expect(applied.handoff).toContain('ANTHROPIC_BASE_URL');
    expect(applied.handoff).toContain('engineering');

    // The keys work, each for its team, and the configuration now validates clean.
    for (const delivery of applied.deliveries) {
      const openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: delivery.value, maxRetries: 0 });
      const answer = await openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hello' }] });
      expect(answer.choices[0]?.message.content).toBe('live!');
    }
    const teamIds = (await adminAs(server, ownerKey, 'GET', '/api/admin/teams')).body.data.map((team: any) => team.id).sort();
    const recordedTeams = async (): Promise<string[]> => (await adminAs(server, ownerKey, 'GET', '/api/admin/requests?limit=2')).body.data.map((record: any) => record.teamId).sort();
    await expect.poll(recordedTeams).toEqual(teamIds);
    expect((await adminAs(server, ownerKey, 'GET', '/api/admin/validate')).body.ok).toBe(true);

    // Delivered out of band only: not in the transcript, the model's context or the handoff.
    const everywhere = JSON.stringify([await chat.transcript(), brain.requests.map((request) => request.body), applied.handoff, server.logs()]);
    for (const delivery of applied.deliveries) expect(everywhere).not.toContain(delivery.value);
  });
});
