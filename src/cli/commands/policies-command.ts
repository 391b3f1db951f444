import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Policy } from '../../governance/policy.js';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { keyIdNamed } from '../lookups.js';
import { examples, withAdminConnection } from '../options.js';
import { show, table } from '../output.js';
import { addPolicyOptions, checkedPolicy, flagName, POLICY_FIELDS, policyField, policyFromOptions, policyValue } from '../policy-flags.js';
import type { ApiKeyDetailView } from './keys-command.js';
import type { TeamView } from './teams-command.js';

/** API field names of the policy as the flags that set them, for the server's error messages. */
const FLAGS: FlagNames = Object.fromEntries(POLICY_FIELDS.flatMap((field) => [[`policy.${field}`, `--${flagName(field)}`], [`limits.${field}`, `--${flagName(field)}`]]));

/** What a policy command acts on: a team's own policy, the organization's limits on it, or one key's override. */
type Target = { kind: 'team'; team: string; layer: 'policy' | 'limits' } | { kind: 'key'; key: string };

/** A team's policy layers, or a key's: the JSON every policies command prints. */
type PolicyView =
  | { scope: 'team'; team: string; limits: Policy; policy: Policy; effective: Policy }
  | { scope: 'key'; key: string; name: string; team: string | null; teamPolicy: Policy; policy: Policy; effective: Policy };

/** `auxot policies …`: the rules a team's or a key's requests obey. */
export function policiesCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('policies').description("show and change the rules requests obey: a team's policy, the organization's limits on it, a key's override");

  withTarget(group.command('show').description("show a team's or a key's policy layers and what applies"))
    .addHelpText('after', examples('auxot policies show --team eng', 'auxot policies show --api-key ci-key'))
    .action(async (options) => {
      const { api, target } = await prepare(options);
      show(context, options, await read(api, target), render);
    });

  addPolicyOptions(withTarget(group.command('set').description('set policy rules (only the flags given change; the rest stay)')))
    .addHelpText(
      'after',
      `
A team admin sets their team's policy within the limits the organization set (--limits, owners
and admins). A key's override can only narrow its team's policy.
${examples(
        'auxot policies set --team eng --requests-per-minute 600 --approved-models "gpt-4.1*,claude-*"',
        'auxot policies set --team eng --limits --monthly-budget-usd 500 --budget-alert-at 0.8',
        'auxot policies set --api-key ci-key --service-class batch --concurrency 4',
      )}`,
    )
    .action(async (options) => {
      const { api, target } = await prepare(options);
      const changes = policyFromOptions(options);
      if (Object.keys(changes).length === 0) throw new UsageError('nothing to set: give at least one policy flag (see auxot policies set --help)');
      const current = await read(api, target);
      const layer = target.kind === 'team' && target.layer === 'limits' && current.scope === 'team' ? current.limits : current.policy;
      await write(api, target, checkedPolicy({ ...layer, ...changes }));
      show(context, options, await read(api, target), render);
    });

  withTarget(
    group
      .command('clear')
      .argument('[fields...]', `the rules to remove, named as their flags (${POLICY_FIELDS.map(flagName).join(', ')}); none: all of them`)
      .description('remove policy rules (all of them, or the ones named)'),
  )
    .addHelpText('after', examples('auxot policies clear --team eng requests-per-minute approved-models', 'auxot policies clear --api-key ci-key', 'auxot policies clear --team eng --limits'))
    .action(async (fields, options) => {
      const { api, target } = await prepare(options);
      const remove = fields.map(policyField);
      const current = await read(api, target);
      const layer = target.kind === 'team' && target.layer === 'limits' && current.scope === 'team' ? current.limits : current.policy;
      const kept = remove.length === 0 ? {} : Object.fromEntries(Object.entries(layer).filter(([field]) => !remove.includes(field as keyof Policy)));
      await write(api, target, checkedPolicy(kept));
      show(context, options, await read(api, target), render);
    });

  return group;
}

function withTarget<A extends unknown[]>(command: Command<A>) {
  return withAdminConnection(command)
    .option('--team <team>', "a team's policy (name or id)")
    .option('--limits', "with --team: the organization's limits on the team's policy instead (owners and admins)")
    .option('--api-key <key>', "an API key's override (its id or name, as auxot keys list shows; --key stays the key you act with)");
}

/** Exactly one of --team and --api-key; --limits only with --team. */
async function prepare(options: { team?: string; apiKey?: string; limits?: true; url: string; key?: string }): Promise<{ api: AdminClient; target: Target }> {
  const api = new AdminClient(options.url, options.key);
  if ((options.team === undefined) === (options.apiKey === undefined)) throw new UsageError('say whose policy: --team <team> or --api-key <key> (one of them)');
  if (options.team !== undefined) return { api, target: { kind: 'team', team: options.team, layer: options.limits === true ? 'limits' : 'policy' } };
  if (options.limits === true) throw new UsageError('--limits applies to a team (--team), not to a key');
  return { api, target: { kind: 'key', key: await keyIdNamed(api, options.apiKey ?? '', '--api-key') } };
}

async function read(api: AdminClient, target: Target): Promise<PolicyView> {
  if (target.kind === 'team') {
    const team = (await api.call('GET', `/api/admin/teams/${encodeURIComponent(target.team)}`)) as TeamView;
    return { scope: 'team', team: team.name, limits: team.limits, policy: team.policy, effective: team.effectivePolicy };
  }
  const key = (await api.call('GET', `/api/admin/keys/${encodeURIComponent(target.key)}`)) as ApiKeyDetailView;
  return { scope: 'key', key: key.id, name: key.name, team: key.effective.team, teamPolicy: key.effective.teamPolicy, policy: key.policy ?? {}, effective: key.effective.policy };
}

async function write(api: AdminClient, target: Target, policy: Policy): Promise<void> {
  if (target.kind === 'key') {
    // No rules left: no override at all, which is what a key without one has.
    await api.call('PATCH', `/api/admin/keys/${encodeURIComponent(target.key)}`, { policy: Object.keys(policy).length === 0 ? null : policy }, FLAGS);
    return;
  }
  await api.call('PUT', `/api/admin/teams/${encodeURIComponent(target.team)}/${target.layer}`, { [target.layer]: policy }, FLAGS);
}

function render(view: PolicyView): string {
  const rows = POLICY_FIELDS.map((field) =>
    view.scope === 'team'
      ? [flagName(field), policyValue(view.limits[field]), policyValue(view.policy[field]), policyValue(view.effective[field])]
      : [flagName(field), policyValue(view.teamPolicy[field]), policyValue(view.policy[field]), policyValue(view.effective[field])],
  );
  const head = view.scope === 'team' ? ['RULE', 'LIMITS (organization)', 'POLICY (team)', 'EFFECTIVE'] : ['RULE', `TEAM${view.team === null ? '' : ` (${view.team})`}`, 'KEY OVERRIDE', 'EFFECTIVE'];
  const title = view.scope === 'team' ? `team ${view.team}` : `key ${view.name} (${view.key})`;
  return `${title}\n${table(head, rows)}`;
}
