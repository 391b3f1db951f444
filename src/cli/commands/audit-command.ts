import { Command, Option, type CommandUnknownOpts, type OptionValues } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError, UsageError } from '../cli-errors.js';
import { actorIdNamed, keyIdsNamed } from '../lookups.js';
import { examples, positiveInteger, withAdminConnection, withAdminServer } from '../options.js';
import { duration, readableTime, show, table, wantsJson } from '../output.js';
import { parsePastTime } from '../time-flags.js';
import { parseStatus } from './requests-command.js';

const FLAGS: FlagNames = {
  limit: '--limit',
  before: '--cursor',
  since: '--from',
  until: '--to',
  team: '--team',
  user: '--user',
  key: '--caller',
  provider: '--provider',
  model: '--model',
  status: '--status',
  route: '--route',
  actor: '--actor',
  targetType: '--target-type',
  targetId: '--target',
  format: '--format',
};

interface ChangeRecord {
  id: string;
  at: number;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  targetName: string;
  teamId: string | null;
  before: unknown;
  after: unknown;
}

interface RequestRecord {
  id: string;
  keyId: string | null;
  teamId: string | null;
  modelRequested: string | null;
  route: string | null;
  providerId: string | null;
  providerModel: string | null;
  status: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  startedAt: number;
  totalMs: number;
}

interface Named {
  id: string;
  name: string;
}

/** The filters of each listing, by flag; `auxot audit export` refuses the ones its listing does not take. */
const REQUEST_FILTERS = ['user', 'caller', 'provider', 'model', 'status', 'route'] as const;
const CHANGE_FILTERS = ['actor', 'targetType', 'target'] as const;

interface FilterOptions {
  from?: number;
  to?: number;
  team?: string;
  user?: string;
  caller?: string;
  provider?: string;
  model?: string;
  status?: string;
  route?: string;
  actor?: string;
  targetType?: string;
  target?: string;
}

/** `auxot audit …`: who changed what, every request, and exports of both for other tools. */
export function auditCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('audit').description('the audit trail: configuration changes and request records, page by page or exported whole');

  withPaging(withChangeFilters(withCommonFilters(withAdminConnection(group.command('list').description('configuration changes, newest first: who changed what, when, before and after')))))
    .addHelpText('after', examples('auxot audit list', 'auxot audit list --team eng --from 7d', 'auxot audit list --actor ann@example.com --target-type key', 'auxot audit list --cursor chg_01J… --limit 100'))
    .action(async (options) => {
      const api = client(options);
      const query = await changeQuery(api, options);
      const result = (await api.call('GET', `/api/admin/changes?${paged(query, options).toString()}`, undefined, FLAGS)) as { data: ChangeRecord[] };
      const page = { data: result.data, nextCursor: nextCursor(result.data, options.limit) };
      const teams = wantsJson(context, options) ? new Map<string, string>() : await namesOf(api, '/api/admin/teams');
      show(context, options, page, ({ data, nextCursor: cursor }) => {
        const rows = table(
          ['TIME', 'ID', 'ACTOR', 'ACTION', 'TARGET', 'TEAM'],
          data.map((change) => [
            readableTime(change.at),
            change.id,
            `${change.actorName}${change.actorKind === 'user' ? '' : ` (${change.actorKind})`}`,
            change.action,
            `${change.targetType} ${change.targetName}`,
            change.teamId === null ? null : (teams.get(change.teamId) ?? change.teamId),
          ]),
          'No configuration changes recorded (with these filters).',
        );
        return cursor === null ? rows : `${rows}\n\nolder: auxot audit list --cursor ${cursor}`;
      });
    });

  withPaging(withRequestFilters(withCommonFilters(withAdminConnection(group.command('requests').description('request records, newest first, with who made them and what they cost')))))
    .addHelpText('after', examples('auxot audit requests --team eng --from 1d', 'auxot audit requests --user ann@example.com --status error', 'auxot audit requests --model "claude-*" --limit 200 --json'))
    .action(async (options) => {
      const api = client(options);
      const query = await requestQuery(api, options);
      const result = (await api.call('GET', `/api/admin/requests?${paged(query, options).toString()}`, undefined, FLAGS)) as { data: RequestRecord[] };
      const page = { data: result.data, nextCursor: nextCursor(result.data, options.limit) };
      const json = wantsJson(context, options);
      const [teams, keys, providers] = json
        ? [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()]
        : await Promise.all([namesOf(api, '/api/admin/teams'), namesOf(api, '/api/admin/keys'), namesOf(api, '/api/admin/providers')]);
      const name = (names: Map<string, string>, id: string | null): string | null => (id === null ? null : (names.get(id) ?? id));
      show(context, options, page, ({ data, nextCursor: cursor }) => {
        const rows = table(
          ['TIME', 'ID', 'TEAM', 'CALLER', 'MODEL', 'PROVIDER / MODEL', 'STATUS', 'TOKENS IN→OUT', 'COST', 'TOTAL'],
          data.map((r) => [
            readableTime(r.startedAt),
            r.id,
            name(teams, r.teamId),
            name(keys, r.keyId),
            r.route ?? r.modelRequested,
            r.providerId === null ? null : `${name(providers, r.providerId) ?? ''} / ${r.providerModel ?? '-'}`,
            r.status,
            `${r.inputTokens}→${r.outputTokens}`,
            r.costUsd === null ? null : `$${r.costUsd.toFixed(4)}`,
            duration(r.totalMs),
          ]),
          'No requests recorded (with these filters).',
        );
        return cursor === null ? rows : `${rows}\n\nolder: auxot audit requests --cursor ${cursor}`;
      });
    });

  withChangeFilters(
    withRequestFilters(
      withCommonFilters(
        withAdminServer(
          group
            .command('export')
            .argument('<records>', 'requests or changes')
            .description('stream every matching record to stdout as JSON lines or CSV, page by page (never all in memory)')
            .addOption(new Option('--format <format>', 'jsonl: one JSON object per line; csv: a header line, then one row per record').choices(['jsonl', 'csv'] as const).default('jsonl' as const)),
        ),
      ),
    ),
  )
    .addHelpText(
      'after',
      `
Filters are those of auxot audit requests (for requests) and auxot audit list (for changes).
${examples(
        'auxot audit export requests --format csv --from 30d > requests.csv',
        'auxot audit export requests --team eng --status error | jq .errorMessage',
        'auxot audit export changes --format jsonl --from 2026-11-01T00:00:00Z > changes.jsonl',
      )}`,
    )
    .action(async (records, options) => {
      if (records !== 'requests' && records !== 'changes') throw new UsageError(`<records> must be requests or changes, not '${records}'`);
      const notForThese = (records === 'requests' ? CHANGE_FILTERS : REQUEST_FILTERS).filter((filter) => options[filter] !== undefined);
      if (notForThese.length > 0) {
        throw new UsageError(`${notForThese.map((filter) => `--${filter.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ')} does not filter ${records} (see auxot audit export --help)`);
      }
      const api = client(options);
      const query = records === 'requests' ? await requestQuery(api, options) : await changeQuery(api, options);
      query.set('format', options.format);
      const body = await api.stream(`/api/admin/${records}/export?${query.toString()}`, ['application/x-ndjson', 'text/csv'], FLAGS);
      await relay(context, body);
    });

  return group;
}

function client(options: { url: string; key?: string }): AdminClient {
  return new AdminClient(options.url, options.key);
}

function withCommonFilters<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .option('--from <time>', 'only records from this time on: ISO 8601, or 15m, 2h, 7d ago', parsePastTime)
    .option('--to <time>', 'only records before this time (same forms as --from)', parsePastTime)
    .option('--team <team>', "only this team's (name or id)");
}

function withRequestFilters<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .option('--user <email>', 'only requests of this person (email or id)')
    .option('--caller <key>', 'only requests made with this API key (name or id)')
    .option('--provider <name>', 'only requests answered by this provider (name or id)')
    .option('--model <model>', 'only requests for this model (as requested)')
    .option('--status <status>', 'only this status: 200, 4xx, 5xx, ok (below 400) or error (400 and above)', parseStatus)
    .option('--route <name>', 'only requests for this route');
}

function withChangeFilters<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .option('--actor <who>', 'only changes made by this person (email), API key (name) or id')
    .option('--target-type <type>', 'only changes to this kind of thing: team, team-member, user, service-account, key, provider, route, …')
    .option('--target <id>', 'only changes to the thing with this id');
}

function withPaging<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .option('--limit <n>', 'how many records (at most 500)', positiveInteger, 50)
    .option('--cursor <id>', 'the next page: the cursor the previous page ended with (its last id)');
}

async function requestQuery(api: AdminClient, options: FilterOptions): Promise<URLSearchParams> {
  const query = commonQuery(options);
  if (options.user !== undefined) query.set('user', options.user);
  if (options.caller !== undefined) query.set('key', (await keyIdsNamed(api, options.caller, '--caller')).join(','));
  if (options.provider !== undefined) query.set('provider', options.provider);
  if (options.model !== undefined) query.set('model', options.model);
  if (options.status !== undefined) query.set('status', options.status);
  if (options.route !== undefined) query.set('route', options.route);
  return query;
}

async function changeQuery(api: AdminClient, options: FilterOptions): Promise<URLSearchParams> {
  const query = commonQuery(options);
  if (options.actor !== undefined) query.set('actor', await actorIdNamed(api, options.actor, '--actor'));
  if (options.targetType !== undefined) query.set('targetType', options.targetType);
  if (options.target !== undefined) query.set('targetId', options.target);
  return query;
}

function commonQuery(options: FilterOptions): URLSearchParams {
  if (options.from !== undefined && options.to !== undefined && options.from >= options.to) throw new UsageError('--from must be before --to');
  const query = new URLSearchParams();
  if (options.from !== undefined) query.set('since', String(options.from));
  if (options.to !== undefined) query.set('until', String(options.to));
  if (options.team !== undefined) query.set('team', options.team);
  return query;
}

function paged(query: URLSearchParams, options: { limit: number; cursor?: string }): URLSearchParams {
  query.set('limit', String(options.limit));
  if (options.cursor !== undefined) query.set('before', options.cursor);
  return query;
}

/** A full page may have more after it: its last id continues the listing. */
function nextCursor(data: ReadonlyArray<{ id: string }>, limit: number): string | null {
  return data.length === limit ? (data.at(-1)?.id ?? null) : null;
}

/** Ids → names for a table; a list this key may not read leaves the ids as they are. */
async function namesOf(api: AdminClient, path: string): Promise<Map<string, string>> {
  try {
    const { data } = (await api.call('GET', path)) as { data: Named[] };
    return new Map(data.map((entry) => [entry.id, entry.name]));
  } catch {
    return new Map();
  }
}

/** The export's bytes to stdout as they arrive; a reader that stops early (`| head`) ends it quietly. */
async function relay(context: CliContext, body: AsyncIterable<Uint8Array>): Promise<void> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      try {
        await context.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw error;
      }
      bytes += chunk.byteLength;
    }
  } catch (error) {
    if (error instanceof TypeError) throw new CliError(`the export was cut off after ${bytes} bytes (${error.message}); what was written is incomplete`);
    throw error;
  }
}
