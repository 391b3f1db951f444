import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { examples, strictBoolean, withAdminConnection } from '../options.js';
import { details, readableTime, show, table } from '../output.js';

const FLAGS: FlagNames = { name: '--name', email: '--email', role: '--role', disabled: '--disabled' };
const ORG_ROLES = ['owner', 'admin', 'member'] as const;

interface UserView {
  id: string;
  name: string;
  email: string;
  role: (typeof ORG_ROLES)[number];
  teams: Array<{ team: string; role: 'team_admin' | 'member' }>;
  createdAt: string;
  disabledAt: string | null;
}

/** `auxot users …`: the people of the organization and their organization role. */
export function usersCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('users').description('add people, set their organization role (owner, admin, member), disable or remove them');

  withAdminConnection(group.command('list').description('list people (owners and admins see everyone; others themselves)'))
    .addHelpText('after', examples('auxot users list', 'auxot users list --json | jq -r ".data[].email"'))
    .action(async (options) => {
      const result = (await client(options).call('GET', '/api/admin/users')) as { data: UserView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['EMAIL', 'NAME', 'ROLE', 'TEAMS', 'ID', 'CREATED', 'DISABLED'],
          data.map((user) => [user.email, user.name, user.role, teamsOf(user), user.id, readableTime(user.createdAt), readableTime(user.disabledAt)]),
          'No people yet. Add one: auxot users create ann@example.com --name "Ann Lee"',
        ),
      );
    });

  withAdminConnection(
    group
      .command('create')
      .argument('[email]', "the person's email (or --email); it identifies them")
      .description('add a person (owners and admins; only owners add owners and admins)')
      .option('--email <email>', "the person's email")
      .requiredOption('--name <name>', 'their name as people know it')
      .addOption(new Option('--role <role>', 'organization role: owners and admins manage the platform').choices(ORG_ROLES).default('member' as const)),
  )
    .addHelpText('after', examples('auxot users create ann@example.com --name "Ann Lee"', 'auxot users create ops@example.com --name "Ops Lead" --role admin'))
    .action(async (positional, options) => {
      if (positional !== undefined && options.email !== undefined && positional !== options.email) throw new UsageError(`the email is given twice ('${positional}' and --email '${options.email}')`);
      const email = positional ?? options.email;
      if (email === undefined) throw new UsageError('missing the email: auxot users create <email> --name <name>');
      const user = (await client(options).call('POST', '/api/admin/users', { name: options.name, email, role: options.role }, FLAGS)) as UserView;
      show(context, options, user, (view) => `added ${view.email} (${view.id}) as ${view.role}\nput them in a team: auxot teams add-member <team> ${view.email}`);
    });

  withAdminConnection(group.command('show').argument('<user>', 'email or id').description('show a person with their teams'))
    .addHelpText('after', examples('auxot users show ann@example.com'))
    .action(async (user, options) => {
      const view = (await client(options).call('GET', `/api/admin/users/${encodeURIComponent(user)}`)) as UserView;
      show(context, options, view, renderUser);
    });

  withAdminConnection(
    group
      .command('update')
      .argument('<user>', 'email or id')
      .description('change a person (only the flags given change); a disabled person\'s keys stop working')
      .option('--name <name>', 'their name')
      .addOption(new Option('--role <role>', 'organization role (only owners change who is an owner or admin)').choices(ORG_ROLES))
      .option('--disabled <boolean>', 'true: their keys stop working at once; false: they work again', strictBoolean),
  )
    .addHelpText('after', examples('auxot users update ann@example.com --role admin', 'auxot users update bob@example.com --disabled true'))
    .action(async (user, options) => {
      const changes = { name: options.name, role: options.role, disabled: options.disabled };
      if (Object.values(changes).every((value) => value === undefined)) throw new UsageError('nothing to change: give at least one flag (see auxot users update --help)');
      const view = (await client(options).call('PATCH', `/api/admin/users/${encodeURIComponent(user)}`, changes, FLAGS)) as UserView;
      show(context, options, view, (value) => `updated ${value.email}\n${renderUser(value)}`);
    });

  withAdminConnection(group.command('delete').argument('<user>', 'email or id').description('remove a person: their keys are revoked and they leave every team (their request records stay)'))
    .addHelpText('after', examples('auxot users delete bob@example.com'))
    .action(async (user, options) => {
      await client(options).call('DELETE', `/api/admin/users/${encodeURIComponent(user)}`);
      show(context, options, { deleted: user }, () => `removed ${user}; their keys are revoked`);
    });

  return group;
}

function client(options: { url: string; key?: string }): AdminClient {
  return new AdminClient(options.url, options.key);
}

function teamsOf(user: UserView): string {
  return user.teams.map((entry) => (entry.role === 'team_admin' ? `${entry.team} (admin)` : entry.team)).join(', ');
}

function renderUser(user: UserView): string {
  return details([
    ['email', user.email],
    ['name', user.name],
    ['id', user.id],
    ['role', user.role],
    ['teams', teamsOf(user)],
    ['created', readableTime(user.createdAt)],
    ['disabled', readableTime(user.disabledAt)],
  ]);
}
