import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Policy } from '../../governance/policy.js';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { examples, withAdminConnection } from '../options.js';
import { details, readableTime, show, table } from '../output.js';
import { policySummary } from '../policy-flags.js';
import { nameFrom } from './providers-command.js';

const FLAGS: FlagNames = { name: '--name', description: '--description', user: '<email>', role: '--role' };

export interface TeamView {
  id: string;
  name: string;
  description: string;
  limits: Policy;
  policy: Policy;
  effectivePolicy: Policy;
  createdAt: string;
  updatedAt: string;
}

interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: 'team_admin' | 'member';
}

/** Team roles as the CLI says them (`admin`) and as the API does (`team_admin`). */
const TEAM_ROLES = { admin: 'team_admin', member: 'member' } as const;

/** `auxot teams …`: teams, their members and their roles there. */
export function teamsCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('teams').description('create teams and manage who is in them (policies: auxot policies)');

  withAdminConnection(group.command('list').description('list the teams this key may see'))
    .addHelpText('after', examples('auxot teams list'))
    .action(async (options) => {
      const result = (await client(options).call('GET', '/api/admin/teams')) as { data: TeamView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['NAME', 'ID', 'DESCRIPTION', 'EFFECTIVE POLICY', 'CREATED'],
          data.map((team) => [team.name, team.id, team.description, policySummary(team.effectivePolicy), readableTime(team.createdAt)]),
          'No teams yet. Create one: auxot teams create eng --description "Engineering"',
        ),
      );
    });

  withAdminConnection(
    group
      .command('create')
      .argument('[name]', 'team name (or --name): letters, digits, ".", "_", "-"')
      .description('create a team (owners and admins)')
      .option('--name <name>', 'the team name')
      .option('--description <text>', 'what the team is'),
  )
    .addHelpText('after', examples('auxot teams create eng --description "Engineering"', 'auxot teams create data-science'))
    .action(async (positional, options) => {
      const name = nameFrom(positional, options.name, 'auxot teams create <name>');
      const team = (await client(options).call('POST', '/api/admin/teams', { name, description: options.description }, FLAGS)) as TeamView;
      show(context, options, team, (view) => `created team ${view.name} (${view.id})\nadd people: auxot teams add-member ${view.name} <email> [--role admin]`);
    });

  withAdminConnection(group.command('show').argument('<team>', 'team name or id').description('show a team: its policy layers and its members'))
    .addHelpText('after', examples('auxot teams show eng', 'auxot teams show eng --json | jq .effectivePolicy'))
    .action(async (team, options) => {
      const api = client(options);
      const path = `/api/admin/teams/${encodeURIComponent(team)}`;
      const view = (await api.call('GET', path)) as TeamView;
      const members = ((await api.call('GET', `${path}/members`)) as { data: MemberView[] }).data;
      show(context, options, { ...view, members }, (value) => `${renderTeam(value)}\n\nmembers:\n${membersTable(value.members)}`);
    });

  withAdminConnection(
    group
      .command('update')
      .argument('<team>', 'team name or id')
      .description("change a team's description")
      .requiredOption('--description <text>', 'the new description'),
  )
    .addHelpText('after', examples('auxot teams update eng --description "Platform engineering"'))
    .action(async (team, options) => {
      const view = (await client(options).call('PATCH', `/api/admin/teams/${encodeURIComponent(team)}`, { description: options.description }, FLAGS)) as TeamView;
      show(context, options, view, (value) => `updated team ${value.name}\n${renderTeam(value)}`);
    });

  withAdminConnection(group.command('delete').argument('<team>', 'team name or id').description("delete a team; its keys (its service accounts', and keys acting for it) are revoked"))
    .addHelpText('after', examples('auxot teams delete old-project'))
    .action(async (team, options) => {
      await client(options).call('DELETE', `/api/admin/teams/${encodeURIComponent(team)}`);
      show(context, options, { deleted: team }, () => `deleted team ${team}; its keys are revoked`);
    });

  withAdminConnection(group.command('members').argument('<team>', 'team name or id').description("list a team's members and their roles there"))
    .addHelpText('after', examples('auxot teams members eng'))
    .action(async (team, options) => {
      const result = (await client(options).call('GET', `/api/admin/teams/${encodeURIComponent(team)}/members`)) as { data: MemberView[] };
      show(context, options, result, ({ data }) => membersTable(data));
    });

  withAdminConnection(
    group
      .command('add-member')
      .argument('<team>', 'team name or id')
      .argument('<user>', "the person's email (or id); add people with auxot users create")
      .description("add a person to a team, or change their role there (team admins, owners, admins)")
      .addOption(new Option('--role <role>', 'admin: manages the team\'s members, keys, service accounts and policy').choices(['admin', 'member'] as const).default('member' as const)),
  )
    .addHelpText('after', examples('auxot teams add-member eng ann@example.com', 'auxot teams add-member eng bob@example.com --role admin'))
    .action(async (team, user, options) => {
      const member = (await client(options).call(
        'PUT',
        `/api/admin/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(user)}`,
        { role: TEAM_ROLES[options.role] },
        FLAGS,
      )) as MemberView;
      show(context, options, member, (view) => `${view.email} is ${view.role === 'team_admin' ? 'an admin' : 'a member'} of team ${team}`);
    });

  withAdminConnection(
    group.command('remove-member').argument('<team>', 'team name or id').argument('<user>', "the person's email (or id)").description('remove a person from a team (their keys acting for it stop working)'),
  )
    .addHelpText('after', examples('auxot teams remove-member eng ann@example.com'))
    .action(async (team, user, options) => {
      await client(options).call('DELETE', `/api/admin/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(user)}`);
      show(context, options, { team, removed: user }, () => `removed ${user} from team ${team}`);
    });

  return group;
}

function client(options: { url: string; key?: string }): AdminClient {
  return new AdminClient(options.url, options.key);
}

function membersTable(members: readonly MemberView[]): string {
  return table(
    ['EMAIL', 'NAME', 'ROLE', 'ID'],
    members.map((member) => [member.email, member.name, member.role === 'team_admin' ? 'admin' : 'member', member.userId]),
    '(no members yet: auxot teams add-member <team> <email>)',
  );
}

function renderTeam(team: TeamView): string {
  return details([
    ['name', team.name],
    ['id', team.id],
    ['description', team.description],
    ['limits (organization)', policySummary(team.limits)],
    ['policy (team)', policySummary(team.policy)],
    ['effective policy', policySummary(team.effectivePolicy)],
    ['created', readableTime(team.createdAt)],
    ['updated', readableTime(team.updatedAt)],
  ]);
}
