import { Command, InvalidArgumentError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { keyIdNamed } from '../lookups.js';
import { commaList, examples, withAdminConnection } from '../options.js';
import { duration, show, table } from '../output.js';
import { parseUtcDay } from '../time-flags.js';

const FLAGS: FlagNames = { groupBy: '--by', since: '--from', until: '--to', team: '--team', user: '--user', key: '--caller', provider: '--provider', model: '--model' };

/** The dimensions as flags say them, and as the API does. */
const DIMENSIONS = { team: 'team', user: 'user', 'service-account': 'serviceAccount', key: 'key', provider: 'provider', model: 'model', day: 'day' } as const;
type Dimension = keyof typeof DIMENSIONS;

interface UsageRow {
  team?: string;
  user?: string;
  serviceAccount?: string;
  key?: string;
  provider?: string;
  model?: string;
  day?: string;
  requests: number;
  errors: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  costUsd: number;
  durationMs: { p50: number | null; p95: number | null };
}

/** `auxot usage`: requests, tokens and spend rolled up per day by team, person, key, provider or model. */
export function usageCommand(context: CliContext): CommandUnknownOpts {
  return withAdminConnection(
    new Command('usage')
      .description('requests, tokens, spend and latency, rolled up by team, person, key, provider, model or day (UTC days)')
      .option('--by <dimensions>', `what to group by, comma-separated: ${Object.keys(DIMENSIONS).join(', ')} (default: team)`, parseDimensions)
      .option('--from <day>', 'first UTC day, inclusive: 2026-11-01, today, or 7d (seven days ago)', parseUtcDay)
      .option('--to <day>', 'last UTC day, inclusive (same forms as --from)', parseUtcDay)
      .option('--team <team>', 'only this team (name or id)')
      .option('--user <email>', 'only this person (email or id)')
      .option('--caller <key>', 'only requests made with this API key (name or id)')
      .option('--provider <name>', 'only this provider (name or id)')
      .option('--model <model>', 'only this model (as requested)'),
  )
    .addHelpText('after', examples('auxot usage', 'auxot usage --by team,model --from 30d', 'auxot usage --by day --team eng --from 2026-11-01 --to 2026-11-30', 'auxot usage --by user --caller ci-key --json'))
    .action(async (options) => {
      if (options.from !== undefined && options.to !== undefined && options.from > options.to) throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
      const api = new AdminClient(options.url, options.key);
      const by = options.by ?? ['team'];
      const query = new URLSearchParams({ groupBy: by.map((dimension) => DIMENSIONS[dimension]).join(',') });
      if (options.from !== undefined) query.set('since', options.from);
      if (options.to !== undefined) query.set('until', options.to);
      if (options.team !== undefined) query.set('team', options.team);
      if (options.user !== undefined) query.set('user', options.user);
      if (options.caller !== undefined) query.set('key', await keyIdNamed(api, options.caller, '--caller'));
      if (options.provider !== undefined) query.set('provider', options.provider);
      if (options.model !== undefined) query.set('model', options.model);
      const result = (await api.call('GET', `/api/admin/usage?${query.toString()}`, undefined, FLAGS)) as { data: UsageRow[] };
      show(context, options, result, ({ data }) => {
        const rows = table(
          [...by.map((dimension) => dimension.toUpperCase()), 'REQUESTS', 'ERRORS', 'TOKENS IN', 'TOKENS OUT', 'CACHE READ', 'COST', 'P50', 'P95'],
          data.map((row) => [
            ...by.map((dimension) => row[DIMENSIONS[dimension]]),
            row.requests,
            row.errors,
            row.tokens.input,
            row.tokens.output,
            row.tokens.cacheRead,
            usd(row.costUsd),
            duration(row.durationMs.p50),
            duration(row.durationMs.p95),
          ]),
          'No usage recorded (for these filters).',
        );
        if (data.length === 0) return rows;
        const total = data.reduce((sum, row) => ({ requests: sum.requests + row.requests, cost: sum.cost + row.costUsd }), { requests: 0, cost: 0 });
        return `${rows}\n\ntotal: ${total.requests} requests, ${usd(total.cost)}`;
      });
    });
}

function parseDimensions(value: string): Dimension[] {
  const items = commaList(value);
  const unknown = items.filter((item) => !(item in DIMENSIONS));
  if (unknown.length > 0) throw new InvalidArgumentError(`${unknown.map((item) => `'${item}'`).join(', ')} is not a dimension; use ${Object.keys(DIMENSIONS).join(', ')}.`);
  return [...new Set(items)] as Dimension[];
}

function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && value < 0.01 ? 6 : 2)}`;
}
