import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { examples, withAdminConnection } from '../options.js';
import { readableTime, show, table } from '../output.js';
import { nameFrom } from './providers-command.js';

const FLAGS: FlagNames = { team: '--team', name: '--name', description: '--description', serviceAccount: '<account>' };

interface ServiceAccountView {
  id: string;
  name: string;
  team: string;
  description: string;
  createdAt: string;
  disabledAt: string | null;
}

/** `auxot service-accounts …`: a team's non-human callers (services, pipelines, bots), which hold keys of their own. */
export function serviceAccountsCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('service-accounts').description("a team's services, pipelines and bots: identities that hold keys but are not people");

  withAdminConnection(group.command('list').description('list service accounts (all this key may see, or one team\'s)').option('--team <team>', 'only this team\'s (name or id)'))
    .addHelpText('after', examples('auxot service-accounts list', 'auxot service-accounts list --team eng'))
    .action(async (options) => {
      const query = options.team === undefined ? '' : `?team=${encodeURIComponent(options.team)}`;
      const result = (await client(options).call('GET', `/api/admin/service-accounts${query}`, undefined, FLAGS)) as { data: ServiceAccountView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['TEAM', 'NAME', 'ID', 'DESCRIPTION', 'CREATED', 'DISABLED'],
          data.map((account) => [account.team, account.name, account.id, account.description, readableTime(account.createdAt), readableTime(account.disabledAt)]),
          'No service accounts. Create one: auxot service-accounts create ci --team eng',
        ),
      );
    });

  withAdminConnection(
    group
      .command('create')
      .argument('[name]', 'the account name (or --name), unique within its team')
      .description('create a service account in a team (team admins, owners, admins); then give it a key with auxot keys create')
      .requiredOption('--team <team>', 'the team it belongs to (name or id); its policy applies to the account\'s keys')
      .option('--name <name>', 'the account name')
      .option('--description <text>', 'what it is for'),
  )
    .addHelpText('after', examples('auxot service-accounts create ci --team eng --description "nightly builds"'))
    .action(async (positional, options) => {
      const name = nameFrom(positional, options.name, 'auxot service-accounts create <name> --team <team>');
      const account = (await client(options).call('POST', '/api/admin/service-accounts', { team: options.team, name, description: options.description }, FLAGS)) as ServiceAccountView;
      show(context, options, account, (view) => `created service account ${view.team}/${view.name} (${view.id})\ngive it a key: auxot keys create ${view.name}-key --service-account ${view.team}/${view.name}`);
    });

  withAdminConnection(
    group
      .command('delete')
      .argument('<account>', 'the account: its id, team/name, or its name with --team')
      .description('delete a service account; its keys are revoked')
      .option('--team <team>', 'the team, when <account> is a name'),
  )
    .addHelpText('after', examples('auxot service-accounts delete eng/ci', 'auxot service-accounts delete ci --team eng', 'auxot service-accounts delete sa_01J…'))
    .action(async (account, options) => {
      const reference = accountReference(account, options.team);
      await client(options).call('DELETE', `/api/admin/service-accounts/${encodeURIComponent(reference)}`, undefined, FLAGS);
      show(context, options, { deleted: reference }, () => `deleted service account ${reference}; its keys are revoked`);
    });

  return group;
}

/** `eng/ci`, `sa_…`, or a name with `--team` → what the API finds an account by. */
export function accountReference(account: string, team: string | undefined): string {
  if (team === undefined) return account;
  if (account.includes('/')) throw new UsageError(`give the account as team/name or as a name with --team, not both ('${account}' and --team ${team})`);
  return `${team}/${account}`;
}

function client(options: { url: string; key?: string }): AdminClient {
  return new AdminClient(options.url, options.key);
}
