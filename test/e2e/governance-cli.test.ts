import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuxotAsync, type CliResult } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminAs } from './helpers/governance.js';

/**
 * The governance commands as an operator uses them: the real `auxot` binary against a real server,
 * every change checked through the REST API (not the CLI's own output), keys made by the CLI used
 * with the official OpenAI SDK, and policies set by the CLI refusing real requests.
 */
describe('the auxot governance CLI', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  /** Bob: a member of team eng, not an admin of anything; his key is the one refused. */
  let memberKey: string;

  const run = (args: string[], key: string = server.adminKey): Promise<CliResult> => runAuxotAsync(args, { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: key });

  /** Runs a command that must succeed and returns its JSON (stdout is not a terminal: JSON is the default). */
  async function json(args: string[], key?: string): Promise<any> {
    const result = await run(args, key);
    expect(result.status, `auxot ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  }

  /** Runs a command that must fail with this exit code and message, printing nothing on stdout. */
  async function fails(args: string[], status: number, message: RegExp, key?: string): Promise<void> {
    const result = await run(args, key);
    expect(result.status, `auxot ${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(status);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  }

  const rest = async (path: string, key: string = server.adminKey): Promise<{ status: number; body: any }> => adminAs(server, key, 'GET', path);
  const chat = (key: string, model = 'cheap') =>
    new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
    });

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'cloud', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['cheap', 'premium'] });
    await json(['teams', 'create', 'eng', '--description', 'Engineering']);
    await json(['users', 'create', 'bob@example.com', '--name', 'Bob']);
    await json(['teams', 'add-member', 'eng', 'bob@example.com']);
    memberKey = (await json(['keys', 'create', 'bob-laptop', '--user', 'bob@example.com', '--team', 'eng'])).key as string;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('teams: create, show, update, members with their roles, delete; refuses bad values and members', async () => {
    const created = await json(['teams', 'create', 'data', '--description', 'Data science']);
    expect(created).toEqual({
      id: expect.stringMatching(/^team_/),
      name: 'data',
      description: 'Data science',
      limits: {},
      policy: {},
      effectivePolicy: {},
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await rest('/api/admin/teams/data')).body).toMatchObject({ id: created.id, description: 'Data science' });

    await json(['teams', 'update', 'data', '--description', 'Data and ML']);
    expect((await rest('/api/admin/teams/data')).body.description).toBe('Data and ML');

    await json(['users', 'create', 'dana@example.com', '--name', 'Dana']);
    expect(await json(['teams', 'add-member', 'data', 'dana@example.com', '--role', 'admin'])).toEqual({
      userId: expect.stringMatching(/^user_/),
      name: 'Dana',
      email: 'dana@example.com',
      role: 'team_admin',
    });
    expect((await rest('/api/admin/teams/data/members')).body.data).toEqual([expect.objectContaining({ email: 'dana@example.com', role: 'team_admin' })]);
    await json(['teams', 'add-member', 'data', 'dana@example.com', '--role', 'member']);
    expect((await rest('/api/admin/teams/data/members')).body.data[0].role).toBe('member');
    const shown = await json(['teams', 'show', 'data']);
    expect(shown).toMatchObject({ name: 'data', members: [{ email: 'dana@example.com', role: 'member' }] });
    const table = await run(['teams', 'members', 'data', '--table']);
    expect(table.stdout).toMatch(/^EMAIL\s+NAME\s+ROLE\s+ID\ndana@example\.com\s+Dana\s+member\s+user_/);

    // A key acting for the team stops with it.
    const danaKey = await json(['keys', 'create', 'dana-key', '--user', 'dana@example.com', '--team', 'data']);
    await json(['teams', 'remove-member', 'data', 'dana@example.com']);
    expect((await rest('/api/admin/teams/data/members')).body.data).toEqual([]);
    await json(['teams', 'add-member', 'data', 'dana@example.com']);
    expect(await json(['teams', 'delete', 'data'])).toEqual({ deleted: 'data' });
    expect((await rest('/api/admin/teams/data')).status).toBe(404);
    expect((await rest(`/api/admin/keys/${danaKey.apiKey.id as string}`)).body.revokedAt).not.toBeNull();

    await fails(
      ['teams', 'add-member', 'eng', 'dana@example.com', '--role', 'owner'],
      2,
      /option '--role <role>' argument 'owner' is invalid\. Allowed choices are admin, member/,
    );
    await fails(['teams', 'create'], 2, /missing the name: auxot teams create <name>/);
    await fails(['teams', 'create', 'bad name!'], 1, /HTTP 400: --name: use 1-63 letters/);
    await fails(['teams', 'create', 'rogue'], 1, /^error: HTTP 403: Forbidden: creating a team needs the organization's owner or admin role\n$/, memberKey);
    await fails(
      ['teams', 'add-member', 'eng', 'dana@example.com'],
      1,
      /HTTP 403: Forbidden: managing a team's members needs the team admin role in team 'eng'/,
      memberKey,
    );
    expect((await rest('/api/admin/teams/rogue')).status).toBe(404);
  }, 120_000);

  it('users: create, show, update role and disable, delete (their keys revoked); refuses bad values and members', async () => {
    const created = await json(['users', 'create', 'carol@example.com', '--name', 'Carol']);
    expect(created).toEqual({
      id: expect.stringMatching(/^user_/),
      name: 'Carol',
      email: 'carol@example.com',
      role: 'member',
      teams: [],
      createdAt: expect.any(String),
      disabledAt: null,
    });
    await json(['teams', 'add-member', 'eng', 'carol@example.com']);
    expect((await json(['users', 'show', 'carol@example.com'])).teams).toEqual([{ team: 'eng', role: 'member' }]);

    await json(['users', 'update', 'carol@example.com', '--role', 'admin', '--name', 'Carol A.']);
    expect((await rest('/api/admin/users/carol@example.com')).body).toMatchObject({ role: 'admin', name: 'Carol A.' });

    const carol = await json(['keys', 'create', 'carol-key', '--user', 'carol@example.com']);
    expect(carol.apiKey).toMatchObject({ role: 'admin', team: 'eng', owner: { kind: 'user', name: 'carol@example.com' } });
    expect((await chat(carol.key as string)).choices[0]?.message.content).toBeDefined();
    await json(['users', 'update', 'carol@example.com', '--disabled', 'true']);
    expect((await rest('/api/admin/users/carol@example.com')).body.disabledAt).not.toBeNull();
    await expect(chat(carol.key as string)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await json(['users', 'update', 'carol@example.com', '--disabled', 'false']);
    expect((await chat(carol.key as string)).choices.length).toBe(1);

    expect(await json(['users', 'delete', 'carol@example.com'])).toEqual({ deleted: 'carol@example.com' });
    expect((await rest('/api/admin/users/carol@example.com')).status).toBe(404);
    expect((await rest(`/api/admin/keys/${carol.apiKey.id as string}`)).body.revokedAt).not.toBeNull();
    expect((await rest('/api/admin/teams/eng/members')).body.data.map((member: { email: string }) => member.email)).not.toContain('carol@example.com');
    await expect(chat(carol.key as string)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    await fails(
      ['users', 'create', 'x@example.com', '--name', 'X', '--role', 'boss'],
      2,
      /argument 'boss' is invalid\. Allowed choices are owner, admin, member/,
    );
    await fails(['users', 'create', 'x@example.com'], 2, /required option '--name <name>' not specified/);
    await fails(
      ['users', 'update', 'bob@example.com', '--disabled', 'yes'],
      2,
      /option '--disabled <boolean>' argument 'yes' is invalid\. expected true or false/,
    );
    await fails(['users', 'update', 'bob@example.com'], 2, /nothing to change/);
    await fails(['users', 'create', 'not-an-email', '--name', 'X'], 1, /HTTP 400: --email: /);
    await fails(
      ['users', 'create', 'eve@example.com', '--name', 'Eve'],
      1,
      /HTTP 403: Forbidden: adding a person needs the organization's owner or admin role/,
      memberKey,
    );
    await fails(['users', 'delete', 'bob@example.com'], 1, /HTTP 403: Forbidden: removing a person needs the organization's owner or admin role/, memberKey);
    expect((await rest('/api/admin/users/eve@example.com')).status).toBe(404);
    const owners = (await rest('/api/admin/users')).body.data.filter((user: { role: string }) => user.role === 'owner');
    expect(owners).toHaveLength(1);
    await fails(['users', 'delete', owners[0].email as string], 1, /HTTP 403: The last owner cannot be removed: make someone else an owner first/);
    expect((await rest(`/api/admin/users/${owners[0].id as string}`)).status).toBe(200);
  }, 120_000);

  it('service accounts: create in a team, a key of their own, delete (the key revoked); refuses bad values and members', async () => {
    const created = await json(['service-accounts', 'create', 'ci', '--team', 'eng', '--description', 'nightly builds']);
    expect(created).toEqual({
      id: expect.stringMatching(/^sa_/),
      name: 'ci',
      team: 'eng',
      description: 'nightly builds',
      createdAt: expect.any(String),
      disabledAt: null,
    });
    expect((await rest('/api/admin/service-accounts?team=eng')).body.data).toEqual([created]);
    expect((await json(['service-accounts', 'list', '--team', 'eng'])).data).toEqual([created]);

    const key = await json(['keys', 'create', 'ci-key', '--service-account', 'ci', '--team', 'eng']);
    expect(key.apiKey).toMatchObject({ role: 'service', team: 'eng', owner: { kind: 'service-account', id: created.id } });
    expect((await chat(key.key as string)).choices.length).toBe(1);

    await fails(['service-accounts', 'create', 'ci2'], 2, /required option '--team <team>' not specified/);
    await fails(['service-accounts', 'delete', 'eng/ci', '--team', 'eng'], 2, /give the account as team\/name or as a name with --team, not both/);
    await fails(
      ['service-accounts', 'create', 'bot', '--team', 'eng'],
      1,
      /HTTP 403: Forbidden: adding a service account needs the team admin role in team 'eng'/,
      memberKey,
    );

    expect(await json(['service-accounts', 'delete', 'ci', '--team', 'eng'])).toEqual({ deleted: 'eng/ci' });
    expect((await rest('/api/admin/service-accounts?team=eng')).body.data).toEqual([]);
    expect((await rest(`/api/admin/keys/${key.apiKey.id as string}`)).body.revokedAt).not.toBeNull();
    await expect(chat(key.key as string)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  }, 120_000);

  it('keys and policies: a CLI-made key works, CLI-set policies refuse requests, revoking makes the next request 401', async () => {
    await json(['teams', 'create', 'apps']);
    await json(['users', 'create', 'ann@example.com', '--name', 'Ann']);
    await json(['teams', 'add-member', 'apps', 'ann@example.com', '--role', 'admin']);
    const created = await json(['keys', 'create', 'ann-laptop', '--user', 'ann@example.com', '--team', 'apps', '--expires', '30d']);
    expect(created).toEqual({
      key: expect.stringMatching(/^axk_/),
      apiKey: expect.objectContaining({
        id: expect.stringMatching(/^key_/),
        name: 'ann-laptop',
        role: 'member',
        team: 'apps',
        policy: null,
        owner: { kind: 'user', id: expect.any(String), name: 'ann@example.com' },
      }),
    });
    const expires = Date.parse(created.apiKey.expiresAt as string) - Date.now();
    expect(expires).toBeGreaterThan(29 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(30 * 86_400_000);
    const annKey = created.key as string;
    expect((await chat(annKey)).choices.length).toBe(1);

    // The team's policy, set from the command line, refuses a model it does not approve.
    const set = await json(['policies', 'set', '--team', 'apps', '--approved-models', 'cheap']);
    expect(set).toEqual({ scope: 'team', team: 'apps', limits: {}, policy: { approvedModels: ['cheap'] }, effective: { approvedModels: ['cheap'] } });
    expect((await rest('/api/admin/teams/apps')).body.policy).toEqual({ approvedModels: ['cheap'] });
    const refused = await chat(annKey, 'premium').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toMatch(/policy approvedModels: model premium is not approved/);
    expect((await chat(annKey, 'cheap')).choices.length).toBe(1);
    // Setting another field keeps the first; the limits layer is separate.
    await json(['policies', 'set', '--team', 'apps', '--concurrency', '8']);
    await json(['policies', 'set', '--team', 'apps', '--limits', '--monthly-budget-usd', '100', '--budget-alert-at', '0.8']);
    expect((await rest('/api/admin/teams/apps')).body).toMatchObject({
      policy: { approvedModels: ['cheap'], concurrency: 8 },
      limits: { monthlyBudgetUsd: 100, budgetAlertAt: 0.8 },
    });
    await json(['policies', 'clear', '--team', 'apps', 'approved-models']);
    expect((await rest('/api/admin/teams/apps')).body.policy).toEqual({ concurrency: 8 });
    expect((await chat(annKey, 'premium')).choices.length).toBe(1);

    // A key's own override, given when it is made: one request per minute.
    const limited = await json([
      'keys',
      'create',
      'ann-ci',
      '--user',
      'ann@example.com',
      '--team',
      'apps',
      '--requests-per-minute',
      '1',
      '--service-class',
      'batch',
    ]);
    expect(limited.apiKey).toMatchObject({ policy: { requestsPerMinute: 1 }, serviceClass: 'batch' });
    expect((await chat(limited.key as string)).choices.length).toBe(1);
    const second = await chat(limited.key as string).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    expect((second as InstanceType<typeof OpenAI.APIError>).message).toMatch(/key 'ann-ci' allows 1 requests per minute/);
    const shown = await json(['keys', 'show', 'ann-ci']);
    // The last use is written by a timer, so the CLI and the REST read may see it before and after.
    const withoutLastUse = ({ lastUsedAt: _lastUsedAt, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
    expect(withoutLastUse(shown)).toEqual(withoutLastUse((await rest(`/api/admin/keys/${limited.apiKey.id as string}`)).body));
    await expect.poll(async () => (await rest(`/api/admin/keys/${limited.apiKey.id as string}`)).body.lastUsedAt, { timeout: 30_000 }).not.toBeNull();
    expect(shown.effective).toEqual({
      team: 'apps',
      teamPolicy: { concurrency: 8, monthlyBudgetUsd: 100, budgetAlertAt: 0.8 },
      policy: { concurrency: 8, monthlyBudgetUsd: 100, budgetAlertAt: 0.8, requestsPerMinute: 1 },
      serviceClass: 'batch',
    });
    expect(await json(['policies', 'show', '--api-key', 'ann-ci'])).toMatchObject({
      scope: 'key',
      key: limited.apiKey.id,
      name: 'ann-ci',
      team: 'apps',
      policy: { requestsPerMinute: 1 },
    });
    await json(['policies', 'set', '--api-key', 'ann-ci', '--approved-models', 'cheap']);
    expect((await rest(`/api/admin/keys/${limited.apiKey.id as string}`)).body.policy).toEqual({ requestsPerMinute: 1, approvedModels: ['cheap'] });
    // Cleared, the key has no override: the limit no longer applies.
    await json(['policies', 'clear', '--api-key', limited.apiKey.id as string]);
    expect((await rest(`/api/admin/keys/${limited.apiKey.id as string}`)).body.policy).toBeNull();
    expect((await chat(limited.key as string)).choices.length).toBe(1);

    // Listing with filters, checked against the API's own filtering.
    const apps = await json(['keys', 'list', '--team', 'apps', '--state', 'active']);
    expect(apps.data.map((key: { name: string }) => key.name).sort()).toEqual(['ann-ci', 'ann-laptop']);
    expect(apps).toEqual((await rest('/api/admin/keys?team=apps&state=active')).body);
    expect((await json(['keys', 'list', '--user', 'bob@example.com'])).data.map((key: { name: string }) => key.name)).toEqual(['bob-laptop']);
    await json(['keys', 'update', 'ann-ci', '--name', 'ann-nightly', '--never-expires']);
    expect((await rest(`/api/admin/keys/${limited.apiKey.id as string}`)).body).toMatchObject({ name: 'ann-nightly', expiresAt: null });

    // Revoked: the very next request is refused.
    expect((await json(['keys', 'revoke', 'ann-laptop'])).revokedAt).not.toBeNull();
    await expect(chat(annKey)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await rest(`/api/admin/keys/${created.apiKey.id as string}`)).body.revokedAt).not.toBeNull();
    expect((await json(['keys', 'list', '--team', 'apps', '--state', 'revoked'])).data.map((key: { name: string }) => key.name)).toEqual(['ann-laptop']);

    await fails(
      ['policies', 'set', '--team', 'apps', '--requests-per-minute', '0'],
      2,
      /option '--requests-per-minute <n>' argument '0' is invalid\. expected a whole number greater than 0\./,
    );
    await fails(
      ['policies', 'set', '--team', 'apps', '--budget-alert-at', '1.5'],
      2,
      /'--budget-alert-at <number>' argument '1\.5' is invalid\. expected a number greater than 0 and at most 1\./,
    );
    await fails(
      ['policies', 'set', '--team', 'apps', '--allowed-tiers', 'gpu,moon'],
      2,
      /expected a comma-separated list of gpu, cli, cloud \('moon' is not allowed\)/,
    );
    await fails(['policies', 'set', '--team', 'apps', '--store-bodies', 'maybe'], 2, /expected true or false/);
    await fails(['policies', 'set', '--team', 'apps'], 2, /nothing to set/);
    await fails(['policies', 'show'], 2, /say whose policy: --team <team> or --api-key <key>/);
    await fails(['policies', 'clear', '--team', 'apps', 'colour'], 2, /'colour' is not a policy field; the fields are allowed-tiers, /);
    await fails(['policies', 'set', '--api-key', 'ann-nightly', '--limits', '--concurrency', '1'], 2, /--limits applies to a team/);
    await fails(['keys', 'create', 'old', '--expires', '2020-01-01'], 2, /argument '2020-01-01' is invalid\. that time has passed/);
    await fails(['keys', 'create', 'soon', '--expires', 'tomorrow'], 2, /'--expires <when>' argument 'tomorrow' is invalid\. expected a duration from now/);
    await fails(['keys', 'show', 'no-such-key'], 2, /<key>: no API key named 'no-such-key'/);
    await fails(['keys', 'create', 'x', '--user', 'ann@example.com', '--team', 'eng'], 1, /HTTP 400: --team: ann@example\.com is not a member of team 'eng'/);
    await fails(
      ['policies', 'set', '--team', 'eng', '--concurrency', '1'],
      1,
      /HTTP 403: Forbidden: setting a team's policy needs the team admin role in team 'eng'/,
      memberKey,
    );
    await fails(
      ['policies', 'set', '--team', 'eng', '--limits', '--concurrency', '1'],
      1,
      /HTTP 403: Forbidden: setting a team's limits needs the organization's owner or admin role/,
      memberKey,
    );
    await fails(
      ['keys', 'create', 'automation', '--role', 'admin'],
      1,
      /HTTP 403: Forbidden: a key that belongs to nobody needs the organization's owner or admin role/,
      memberKey,
    );
    expect((await rest('/api/admin/teams/eng')).body.policy).toEqual({});
    // A member still manages their own keys.
    expect((await json(['keys', 'list'], memberKey)).data.map((key: { name: string }) => key.name)).toEqual(['bob-laptop']);
  }, 180_000);

  it('usage: roll-ups by team, model and key that match the API; a member sees only their own', async () => {
    upstream.enqueue({ kind: 'turn', turn: { text: 'counted' } });
    await chat(memberKey);
    const byTeam = await json(['usage', '--by', 'team,model', '--from', '1d', '--to', 'today']);
    const day = new Date().toISOString().slice(0, 10);
    expect(byTeam).toEqual(
      (await rest(`/api/admin/usage?groupBy=team,model&since=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}&until=${day}`)).body,
    );
    const eng = byTeam.data.find((row: { team: string; model: string }) => row.team === 'eng' && row.model === 'cheap');
    expect(eng).toMatchObject({ requests: expect.any(Number), tokens: { input: expect.any(Number), output: expect.any(Number) }, costUsd: expect.any(Number) });
    expect(eng.requests).toBeGreaterThanOrEqual(1);

    const mine = await json(['usage', '--by', 'key'], memberKey);
    expect(mine.data).toEqual([expect.objectContaining({ key: 'bob-laptop' })]);
    expect(mine).toEqual((await rest('/api/admin/usage?groupBy=key', memberKey)).body);
    const byCaller = await json(['usage', '--by', 'day', '--caller', 'bob-laptop']);
    expect(byCaller.data).toEqual([expect.objectContaining({ day, requests: mine.data[0].requests })]);

    const table = await run(['usage', '--by', 'team', '--table']);
    expect(table.stdout).toMatch(/^TEAM\s+REQUESTS\s+ERRORS\s+TOKENS IN\s+TOKENS OUT\s+CACHE READ\s+COST\s+P50\s+P95\n/);
    expect(table.stdout).toMatch(/\ntotal: \d+ requests, \$\d/);

    await fails(
      ['usage', '--by', 'colour'],
      2,
      /argument 'colour' is invalid\. 'colour' is not a dimension; use team, user, service-account, key, provider, model, day/,
    );
    await fails(['usage', '--from', '2026-13-01'], 2, /expected a UTC day such as 2026-11-01/);
    await fails(['usage', '--from', '2026-11-02', '--to', '2026-11-01'], 2, /--from 2026-11-02 is after --to 2026-11-01/);
    await fails(['usage', '--team', 'apps'], 1, /HTTP 404: No team 'apps'/, memberKey);
  }, 120_000);

  it('audit: the changes made from the CLI, request records with filters, cursor paging, and exports whose line counts match', async () => {
    const changes = await json(['audit', 'list', '--limit', '500']);
    expect(changes).toEqual({ data: (await rest('/api/admin/changes?limit=500')).body.data, nextCursor: null });
    const actions = changes.data.map((change: { action: string; targetName: string }) => `${change.action} ${change.targetName}`);
    for (const expected of [
      'team.create eng',
      'user.create bob@example.com',
      'team.member.put eng/bob@example.com',
      'key.create bob-laptop',
      'team.policy apps',
      'team.limits apps',
      'key.revoke ann-laptop',
      'user.delete carol@example.com',
      'service-account.delete ci',
    ]) {
      expect(actions).toContain(expected);
    }
    expect(changes.data.find((change: { action: string }) => change.action === 'team.create')).toMatchObject({
      actorKind: 'user',
      actorName: expect.any(String),
      teamId: expect.stringMatching(/^team_/),
    });

    // Paging: two at a time, each page the API's own page, the cursor the last id.
    const first = await json(['audit', 'list', '--limit', '2']);
    expect(first.data).toEqual(changes.data.slice(0, 2));
    expect(first.nextCursor).toBe(changes.data[1].id);
    const second = await json(['audit', 'list', '--limit', '2', '--cursor', first.nextCursor as string]);
    expect(second.data).toEqual(changes.data.slice(2, 4));
    const table = await run(['audit', 'list', '--limit', '2', '--table']);
    expect(table.stdout).toMatch(/^TIME\s+ID\s+ACTOR\s+ACTION\s+TARGET\s+TEAM\n/);
    expect(table.stdout).toContain(`older: auxot audit list --cursor ${changes.data[1].id as string}`);
    const keyChanges = await json(['audit', 'list', '--target-type', 'key', '--team', 'apps', '--limit', '500']);
    expect(keyChanges.data.length).toBeGreaterThan(0);
    expect(keyChanges.data.every((change: { targetType: string }) => change.targetType === 'key')).toBe(true);

    const requests = await json(['audit', 'requests', '--team', 'eng', '--limit', '500']);
    expect(requests).toEqual({ data: (await rest('/api/admin/requests?team=eng&limit=500')).body.data, nextCursor: null });
    expect(requests.data.length).toBeGreaterThanOrEqual(2);
    const bobs = await json(['audit', 'requests', '--user', 'bob@example.com', '--status', 'ok', '--model', 'cheap']);
    expect(bobs.data.length).toBeGreaterThan(0);
    expect(bobs.data.every((record: { userId: string; status: number }) => record.status === 200)).toBe(true);
    const refusals = await json(['audit', 'requests', '--status', '4xx', '--from', '1h', '--limit', '500']);
    const statuses = refusals.data.map((record: { status: number }) => record.status);
    expect(statuses).toEqual(expect.arrayContaining([403, 429]));
    expect(statuses.every((status: number) => status >= 400 && status < 500)).toBe(true);

    // Exports: every record the listing has, one line each (CSV: plus a header).
    const jsonl = await run(['audit', 'export', 'requests', '--format', 'jsonl']);
    expect(jsonl.status, jsonl.stderr).toBe(0);
    const allRequests = (await rest('/api/admin/requests?limit=500')).body.data as Array<{ id: string }>;
    const lines = jsonl.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(allRequests.length);
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(allRequests.map((record: { id: string }) => record.id));
    const csv = await run(['audit', 'export', 'requests', '--format', 'csv']);
    expect(csv.status, csv.stderr).toBe(0);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(allRequests.length + 1);
    expect(rows[0]?.split(',')).toContain('teamId');
    const changesCsv = await run(['audit', 'export', 'changes', '--format', 'csv', '--team', 'apps']);
    const changesJsonl = await run(['audit', 'export', 'changes', '--team', 'apps']);
    const appsChanges = (await rest('/api/admin/changes?team=apps&limit=500')).body.data as unknown[];
    expect(changesJsonl.stdout.trimEnd().split('\n')).toHaveLength(appsChanges.length);
    expect(changesCsv.stdout.trimEnd().split('\n')).toHaveLength(appsChanges.length + 1);

    await fails(['audit', 'list', '--limit', '0'], 2, /--limit <n>' argument '0' is invalid/);
    await fails(['audit', 'export', 'requests', '--actor', 'someone'], 2, /--actor does not filter requests/);
    await fails(['audit', 'export', 'changes', '--status', 'ok'], 2, /--status does not filter changes/);
    await fails(['audit', 'export', 'everything'], 2, /<records> must be requests or changes/);
    await fails(['audit', 'export', 'requests', '--format', 'xml'], 2, /argument 'xml' is invalid\. Allowed choices are jsonl, csv/);
    await fails(['audit', 'requests', '--from', 'last week'], 2, /expected an ISO 8601 time or a duration/);
    await fails(['audit', 'list'], 1, /HTTP 403: Forbidden: reading configuration changes needs the team admin role/, memberKey);
    await fails(['audit', 'export', 'changes'], 1, /HTTP 403: Forbidden: reading configuration changes needs the team admin role/, memberKey);
    // A member reads their own request records, and only those.
    const own = await json(['audit', 'requests'], memberKey);
    expect(own.data.length).toBeGreaterThan(0);
    expect(new Set(own.data.map((record: { userId: string }) => record.userId)).size).toBe(1);
  }, 180_000);
});
