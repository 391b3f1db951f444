import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { examples, withAdminConnection } from '../options.js';
import { readableTime, show, table } from '../output.js';

const FLAGS: FlagNames = { scope: '--scope', secret: 'NAME', value: 'the value on standard input' };

interface SecretView {
  id: string;
  name: string;
  scope: string;
  createdAt: string | null;
  updatedAt: string | null;
  lastUsedAt: string | null;
}

const scopeOption = (): Option<'--scope <scope>', undefined, string> =>
  new Option('--scope <scope>', "org, team:<team>, user (yourself) or user:<email>").default('org');

/** `auxot secrets …`: credentials MCP connections refer to as ${secret:NAME}; values go in and never come out. */
export function secretsCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('secrets').description('store credentials for MCP connections (values are never shown again)');

  withAdminConnection(group.command('list').description('list secrets: names, scopes and last use (never values)'))
    .addHelpText('after', examples('auxot secrets list'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/secrets')) as { data: SecretView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['NAME', 'SCOPE', 'UPDATED', 'LAST USED'],
          data.map((secret) => [secret.name, secret.scope, readableTime(secret.updatedAt), readableTime(secret.lastUsedAt)]),
          'No secrets. Add one: printf %s "$TOKEN" | auxot secrets set GITHUB_TOKEN --scope team:ops',
        ),
      );
    });

  withAdminConnection(
    group
      .command('set')
      .argument('<name>', 'the secret name (MCP settings refer to it as ${secret:NAME})')
      .description('create or replace a secret; the value is read from standard input (not echoed on a terminal)')
      .addOption(scopeOption()),
  )
    .addHelpText(
      'after',
      examples('auxot secrets set GITHUB_TOKEN --scope team:ops            # asks for the value, without echo', 'printf %s "$PGPASSWORD" | auxot secrets set PG_PASSWORD --scope org', 'auxot secrets set MY_TOKEN --scope user < token.txt'),
    )
    .action(async (name, options) => {
      const value = await context.readSecret(`Value for ${name} (${options.scope}, not echoed): `);
      const secret = (await new AdminClient(options.url, options.key).call('PUT', `/api/admin/secrets/${encodeURIComponent(name)}`, { scope: options.scope, value }, FLAGS)) as SecretView;
      show(context, options, secret, (view) => `stored secret ${view.name} (${view.scope})`);
    });

  withAdminConnection(group.command('delete').argument('<name>', 'the secret name').description('delete a secret').addOption(scopeOption()))
    .addHelpText('after', examples('auxot secrets delete GITHUB_TOKEN --scope team:ops'))
    .action(async (name, options) => {
      const query = new URLSearchParams({ scope: options.scope });
      await new AdminClient(options.url, options.key).call('DELETE', `/api/admin/secrets/${encodeURIComponent(name)}?${query.toString()}`, undefined, FLAGS);
      show(context, options, { deleted: name, scope: options.scope }, () => `deleted secret ${name} (${options.scope})`);
    });

  return group;
}
