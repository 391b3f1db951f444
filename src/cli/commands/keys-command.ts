import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Policy } from '../../governance/policy.js';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { keyIdNamed } from '../lookups.js';
import { examples, withAdminConnection } from '../options.js';
import { details, readableTime, show, table } from '../output.js';
import { addPolicyOptions, policyFromOptions, policySummary, type PolicyField } from '../policy-flags.js';
import { parseDurationMs, parseFutureTime, parseIsoTime } from '../time-flags.js';
import { nameFrom } from './providers-command.js';

const FLAGS: FlagNames = {
  name: '--name',
  user: '--user',
  serviceAccount: '--service-account',
  team: '--team',
  role: '--role',
  serviceClass: '--service-class',
  expiresAt: '--expires',
  state: '--state',
  policy: 'policy',
};

/** Policy fields a key also has as its own setting: `--service-class` sets the key's, not an override. */
const KEY_OWN_FIELDS: readonly PolicyField[] = ['serviceClass'];

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: string;
  serviceClass: string;
  owner?: { kind: 'user' | 'service-account' | 'none'; id: string | null; name: string | null };
  team?: string | null;
  policy?: Policy | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt?: string | null;
  revokedAt: string | null;
}

export interface ApiKeyDetailView extends ApiKeyView {
  effective: { team: string | null; teamPolicy: Policy; policy: Policy; serviceClass: string };
}

/** `auxot keys …`: the API keys callers present, who holds them, the team they act for. */
export function keysCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('keys').description('create, list, show and revoke caller API keys');

  withAdminConnection(
    group
      .command('list')
      .description('list the API keys this key may manage (never their secrets)')
      .option('--team <team>', 'only keys acting for this team (name or id)')
      .option('--user <email>', 'only keys of this person (email or id)')
      .option('--service-account <account>', 'only keys of this service account (id or team/name)')
      .addOption(new Option('--state <state>', 'only keys in this state (active: neither revoked nor expired)').choices(['active', 'revoked', 'expired'] as const)),
  )
    .addHelpText('after', examples('auxot keys list', 'auxot keys list --team eng --state active', 'auxot keys list --user ann@example.com'))
    .action(async (options) => {
      const query = new URLSearchParams();
      if (options.team !== undefined) query.set('team', options.team);
      if (options.user !== undefined) query.set('user', options.user);
      if (options.serviceAccount !== undefined) query.set('serviceAccount', options.serviceAccount);
      if (options.state !== undefined) query.set('state', options.state);
      const path = query.size === 0 ? '/api/admin/keys' : `/api/admin/keys?${query.toString()}`;
      const result = (await client(options).call('GET', path, undefined, FLAGS)) as { data: ApiKeyView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['ID', 'NAME', 'OWNER', 'TEAM', 'ROLE', 'CLASS', 'PREFIX', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
          data.map((key) => [
            key.id,
            key.name,
            ownerOf(key),
            key.team,
            key.role,
            key.serviceClass,
            key.prefix,
            readableTime(key.createdAt),
            readableTime(key.expiresAt),
            readableTime(key.lastUsedAt),
            readableTime(key.revokedAt),
          ]),
        ),
      );
    });

  addPolicyOptions(
    withAdminConnection(
      group
        .command('create')
        .argument('[name]', 'a name that says who or what uses the key (or --name)')
        .description('create an API key for a person (--user) or a service account (--service-account), acting for a team; without either, an automation key (owners and admins). The key is printed once.')
        .option('--name <name>', 'the key name')
        .option('--user <email>', 'the person the key belongs to (email or id); it carries their role')
        .option('--service-account <account>', 'the service account the key belongs to (id, or team/name); it acts for that team')
        .option('--team <team>', "the team the key acts for; its policy applies (default: the person's only team)")
        .addOption(
          new Option(
            '--role <role>',
            'for a key that belongs to nobody (an automation key: no --user or --service-account; owners and admins make them): what it may do; only owners create admin and owner keys (default: member)',
          ).choices([
            'member',
            'service',
            'admin',
            'owner',
          ] as const),
        )
        .addOption(new Option('--service-class <class>', 'queue priority when capacity is short').choices(['interactive', 'batch'] as const).default('interactive' as const))
        .addOption(new Option('--expires <when>', 'expire after a time from now (30d, 12h) or at an ISO 8601 date or time').argParser(parseFutureTime).conflicts(['expiresIn', 'expiresAt']))
        .addOption(new Option('--expires-in <duration>', 'expire after this long: 30d, 12h, 90m').argParser(parseDurationMs).conflicts('expiresAt'))
        .option('--expires-at <time>', 'expire at this ISO 8601 time (2027-01-31T00:00:00Z)', parseIsoTime),
    ),
    KEY_OWN_FIELDS,
  )
    .addHelpText(
      'after',
      `
The policy flags narrow the team's policy for this key only (they can never loosen it); change
them later with auxot policies set --api-key <key>.
${examples(
        'auxot keys create ann-laptop --user ann@example.com --team eng --expires 90d',
        'auxot keys create ci-key --service-account eng/ci --requests-per-minute 60 --approved-models "gpt-4.1-mini,claude-*"',
        'auxot keys create ci-nightly --service-class batch --expires 2027-01-31',
      )}`,
    )
    .action(async (positional, options) => {
      const name = nameFrom(positional, options.name, 'auxot keys create <name>');
      const expiresAt = options.expires ?? (options.expiresIn === undefined ? options.expiresAt : new Date(Date.now() + options.expiresIn).toISOString());
      const override = policyFromOptions(options, KEY_OWN_FIELDS);
      const created = (await client(options).call(
        'POST',
        '/api/admin/keys',
        {
          name,
          user: options.user,
          // `--service-account ci --team eng` names the account the way `eng/ci` does.
          serviceAccount:
            options.serviceAccount !== undefined && options.team !== undefined && !options.serviceAccount.includes('/') && !options.serviceAccount.startsWith('sa_')
              ? `${options.team}/${options.serviceAccount}`
              : options.serviceAccount,
          team: options.team,
          // Without a holder the key is an automation key, a member unless --role says otherwise (as
          // before people existed); the API would otherwise give the caller's own person, and role.
          role: options.role ?? (options.user === undefined && options.serviceAccount === undefined ? 'member' : undefined),
          serviceClass: options.serviceClass,
          expiresAt,
          policy: Object.keys(override).length === 0 ? undefined : override,
        },
        FLAGS,
      )) as { key: string; apiKey: ApiKeyView };
      show(context, options, created, ({ key, apiKey }) =>
        [
          `created API key ${apiKey.name} (${apiKey.id})`,
          '',
          `  ${key}`,
          '',
          'This is the only time the key is shown. Callers send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.',
          '',
          details([
            ['belongs to', ownerOf(apiKey)],
            ['acts for team', apiKey.team],
            ['role', apiKey.role],
            ['service class', apiKey.serviceClass],
            ['policy override', policySummary(apiKey.policy)],
            ['expires', readableTime(apiKey.expiresAt)],
          ]),
        ].join('\n'),
      );
    });

  withAdminConnection(group.command('show').argument('<key>', 'the key id or name (auxot keys list)').description('show a key: who holds it, the team it acts for and the policy that applies to it'))
    .addHelpText('after', examples('auxot keys show key_01J…', 'auxot keys show ci-key --json | jq .effective.policy'))
    .action(async (reference, options) => {
      const api = client(options);
      const id = await keyIdNamed(api, reference, '<key>');
      const key = (await api.call('GET', `/api/admin/keys/${encodeURIComponent(id)}`)) as ApiKeyDetailView;
      show(context, options, key, renderKey);
    });

  withAdminConnection(
    group
      .command('update')
      .argument('<key>', 'the key id or name')
      .description("rename a key or change when it expires (its policy: auxot policies set --api-key)")
      .option('--name <name>', 'the new name')
      .addOption(new Option('--expires <when>', 'expire after a time from now (30d) or at an ISO 8601 date or time').argParser(parseFutureTime).conflicts('neverExpires'))
      .option('--never-expires', 'remove the expiry'),
  )
    .addHelpText('after', examples('auxot keys update ci-key --expires 30d', 'auxot keys update key_01J… --name ci-nightly --never-expires'))
    .action(async (reference, options) => {
      const changes = { name: options.name, expiresAt: options.neverExpires === true ? null : options.expires };
      if (Object.values(changes).every((value) => value === undefined)) throw new UsageError('nothing to change: give --name, --expires or --never-expires');
      const api = client(options);
      const id = await keyIdNamed(api, reference, '<key>');
      const key = (await api.call('PATCH', `/api/admin/keys/${encodeURIComponent(id)}`, changes, FLAGS)) as ApiKeyView;
      show(context, options, key, (view) => `updated API key ${view.name} (${view.id}); expires ${readableTime(view.expiresAt)}`);
    });

  withAdminConnection(group.command('revoke').argument('<key>', 'the key id or name (auxot keys list)').description('revoke an API key; it stops working at once'))
    .addHelpText('after', examples('auxot keys revoke key_01J…', 'auxot keys revoke ann-laptop'))
    .action(async (reference, options) => {
      const api = client(options);
      const id = await keyIdNamed(api, reference, '<key>');
      const revoked = (await api.call('DELETE', `/api/admin/keys/${encodeURIComponent(id)}`)) as ApiKeyView;
      show(context, options, revoked, (key) => `revoked API key ${key.name} (${key.id})`);
    });

  return group;
}

function client(options: { url: string; key?: string }): AdminClient {
  return new AdminClient(options.url, options.key);
}

/** `ann@example.com`, `service account ci`, or `-` for an automation key. */
function ownerOf(key: ApiKeyView): string | null {
  if (key.owner === undefined || key.owner.kind === 'none') return null;
  return key.owner.kind === 'user' ? (key.owner.name ?? key.owner.id) : `service account ${key.owner.name ?? key.owner.id ?? ''}`;
}

function renderKey(key: ApiKeyDetailView): string {
  return details([
    ['name', key.name],
    ['id', key.id],
    ['prefix', key.prefix],
    ['belongs to', ownerOf(key)],
    ['acts for team', key.effective.team],
    ['role', key.role],
    ['service class', key.effective.serviceClass],
    ['team policy', policySummary(key.effective.teamPolicy)],
    ['key override', policySummary(key.policy)],
    ['effective policy', policySummary(key.effective.policy)],
    ['created', readableTime(key.createdAt)],
    ['expires', readableTime(key.expiresAt)],
    ['last used', readableTime(key.lastUsedAt)],
    ['revoked', readableTime(key.revokedAt)],
  ]);
}
