import { Command, InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { examples, withAdminConnection } from '../options.js';
import { details, readableTime, show, table } from '../output.js';
import { nameFrom } from './providers-command.js';

const FLAGS: FlagNames = { name: '--name', role: '--role', serviceClass: '--service-class', expiresAt: '--expires-at / --expires-in' };

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: string;
  serviceClass: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** `auxot keys …`: the API keys callers present. */
export function keysCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('keys').description('create, list and revoke caller API keys');

  withAdminConnection(group.command('list').description('list API keys (never their secrets)'))
    .addHelpText('after', examples('auxot keys list'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/keys')) as { data: ApiKeyView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['ID', 'NAME', 'ROLE', 'CLASS', 'PREFIX', 'CREATED', 'EXPIRES', 'REVOKED'],
          data.map((key) => [key.id, key.name, key.role, key.serviceClass, key.prefix, readableTime(key.createdAt), readableTime(key.expiresAt), readableTime(key.revokedAt)]),
        ),
      );
    });

  withAdminConnection(
    group
      .command('create')
      .argument('[name]', 'a name that says who or what uses the key (or --name)')
      .description('create an API key; the key is printed once')
      .option('--name <name>', 'the key name')
      .addOption(new Option('--role <role>', 'what the key may do (admin keys manage the platform; only owners create them)').choices(['member', 'service', 'admin'] as const).default('member' as const))
      .addOption(new Option('--service-class <class>', 'queue priority when capacity is short').choices(['interactive', 'batch'] as const).default('interactive' as const))
      .addOption(new Option('--expires-in <duration>', 'expire after this long: 30d, 12h, 90m').argParser(parseDurationMs).conflicts('expiresAt'))
      .option('--expires-at <time>', 'expire at this ISO 8601 time (2027-01-31T00:00:00Z)', parseIsoTime),
  )
    .addHelpText('after', examples('auxot keys create ci-nightly --service-class batch --expires-in 90d', 'auxot keys create ops-admin --role admin'))
    .action(async (positional, options) => {
      const name = nameFrom(positional, options.name, 'auxot keys create <name>');
      const expiresAt = options.expiresIn === undefined ? options.expiresAt : new Date(Date.now() + options.expiresIn).toISOString();
      const created = (await new AdminClient(options.url, options.key).call(
        'POST',
        '/api/admin/keys',
        { name, role: options.role, serviceClass: options.serviceClass, expiresAt },
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
            ['role', apiKey.role],
            ['service class', apiKey.serviceClass],
            ['expires', readableTime(apiKey.expiresAt)],
          ]),
        ].join('\n'),
      );
    });

  withAdminConnection(group.command('revoke').argument('<id>', 'the key id (auxot keys list)').description('revoke an API key; it stops working at once'))
    .addHelpText('after', examples('auxot keys revoke key_01J…'))
    .action(async (id, options) => {
      const revoked = (await new AdminClient(options.url, options.key).call('DELETE', `/api/admin/keys/${encodeURIComponent(id)}`)) as ApiKeyView;
      show(context, options, revoked, (key) => `revoked API key ${key.name} (${key.id})`);
    });

  return group;
}

/** `30d`, `12h`, `90m`, `45s` → milliseconds. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (match === null || Number(match[1]) <= 0) throw new InvalidArgumentError('expected a duration such as 45s, 90m, 12h or 30d.');
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function parseIsoTime(value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(time)) throw new InvalidArgumentError('expected an ISO 8601 time such as 2027-01-31T00:00:00Z.');
  return new Date(time).toISOString();
}
