import { Command, InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { examples, positiveInteger, withAdminConnection } from '../options.js';
import { details, duration, readableTime, show, table } from '../output.js';
import type { ApiKeyView } from './keys-command.js';
import { parsePastTime } from '../time-flags.js';
import type { ProviderView } from './providers-command.js';
import type { WorkerKeyView } from './workers-command.js';

interface RequestRecord {
  id: string;
  keyId: string | null;
  surface: string;
  modelRequested: string | null;
  route: string | null;
  providerId: string | null;
  providerModel: string | null;
  tier: string | null;
  workerId: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  finishReason: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  startedAt: number;
  queueMs: number | null;
  firstByteMs: number | null;
  totalMs: number;
  clientAborted: boolean;
  decision: Array<{ provider: string; model: string; tier: string; outcome: string; reason?: string }>;
}

/** Ids as people know them: key, provider and worker names. */
interface Names {
  key(id: string | null): string | null;
  provider(id: string | null): string | null;
  worker(id: string | null): string | null;
}

/** `auxot requests [id]`: the request log, newest first. */
export function requestsCommand(context: CliContext): CommandUnknownOpts {
  return withAdminConnection(
    new Command('requests')
      .description('show the request log, newest first, or one request with every candidate the router considered')
      .argument('[id]', 'one request id: show it in full')
      .option('--limit <n>', 'how many requests (at most 500)', positiveInteger, 20)
      .option('--before <id>', 'page back: requests older than this request id')
      .addOption(new Option('--since <time>', 'only requests since a time (ISO 8601) or for the last 15m, 2h, 1d…').argParser(parsePastTime))
      .option('--status <status>', 'only this status: 200, 4xx, 5xx, ok (below 400) or error (400 and above)', parseStatus)
      .option('--provider <name>', 'only requests answered by this provider')
      .option('--route <name>', 'only requests for this route or model name')
      .option('--caller <key>', 'only requests made with this API key (name or id)')
      .option('--worker <worker>', 'only requests answered by this worker (name or id)'),
  )
    .addHelpText(
      'after',
      examples('auxot requests', 'auxot requests --status error --since 1h', 'auxot requests --provider anthropic --caller ci-nightly --limit 100', 'auxot requests req_01J…'),
    )
    .action(async (id, options) => {
      const api = new AdminClient(options.url, options.key);
      if (id !== undefined) {
        const filters = [options.before, options.since, options.status, options.provider, options.route, options.caller, options.worker];
        if (filters.some((value) => value !== undefined)) throw new UsageError('a request id shows that one request; filters apply only to listings');
        const record = (await api.call('GET', `/api/admin/requests/${encodeURIComponent(id)}`)) as RequestRecord;
        const names = await namesFor(api, context, options);
        show(context, options, record, (value) => renderOne(value, names));
        return;
      }
      const [keys, workerKeys] = await Promise.all([
        options.caller === undefined ? undefined : (api.call('GET', '/api/admin/keys') as Promise<{ data: ApiKeyView[] }>),
        options.worker === undefined ? undefined : (api.call('GET', '/api/admin/worker-keys') as Promise<{ data: WorkerKeyView[] }>),
      ]);
      const query = new URLSearchParams({ limit: String(options.limit) });
      if (options.before !== undefined) query.set('before', options.before);
      if (options.since !== undefined) query.set('since', String(options.since));
      if (options.status !== undefined) query.set('status', options.status);
      if (options.provider !== undefined) query.set('provider', options.provider);
      if (options.route !== undefined) query.set('route', options.route);
      if (options.caller !== undefined) query.set('key', idsNamed(options.caller, keys?.data ?? [], '--caller', 'API key').join(','));
      if (options.worker !== undefined) query.set('worker', idsNamed(options.worker, workerKeys?.data ?? [], '--worker', 'worker').join(','));
      const result = (await api.call('GET', `/api/admin/requests?${query.toString()}`, undefined, { provider: '--provider', status: '--status', since: '--since' })) as {
        data: RequestRecord[];
      };
      const names = await namesFor(api, context, options);
      show(context, options, result, ({ data }) => {
        const rows = table(
          ['TIME', 'ID', 'CALLER', 'ROUTE', 'PROVIDER / MODEL', 'WORKER', 'STATUS', 'TOKENS IN→OUT', 'FIRST BYTE', 'TOTAL'],
          data.map((r) => [
            readableTime(r.startedAt),
            r.id,
            names.key(r.keyId),
            r.route ?? r.modelRequested,
            r.providerId === null ? null : `${names.provider(r.providerId)} / ${r.providerModel ?? '-'}`,
            names.worker(r.workerId),
            `${r.status}${r.clientAborted ? ' (hung up)' : ''}`,
            `${r.inputTokens}→${r.outputTokens}`,
            duration(r.firstByteMs),
            duration(r.totalMs),
          ]),
          'No requests recorded (with these filters).',
        );
        const last = data.at(-1);
        return data.length === options.limit && last !== undefined ? `${rows}\n\nolder: auxot requests --before ${last.id}` : rows;
      });
    });
}

async function namesFor(api: AdminClient, context: CliContext, options: { json?: boolean; table?: boolean }): Promise<Names> {
  const jsonOnly = options.json === true || (options.table !== true && !context.stdoutIsTerminal);
  if (jsonOnly) return { key: (id) => id, provider: (id) => id, worker: (id) => id };
  const [keys, providers, workerKeys] = await Promise.all([
    api.call('GET', '/api/admin/keys') as Promise<{ data: ApiKeyView[] }>,
    api.call('GET', '/api/admin/providers') as Promise<{ data: ProviderView[] }>,
    api.call('GET', '/api/admin/worker-keys') as Promise<{ data: WorkerKeyView[] }>,
  ]);
  const lookup = (entries: Array<{ id: string; name: string }>) => {
    const byId = new Map(entries.map((entry) => [entry.id, entry.name]));
    return (id: string | null): string | null => (id === null ? null : (byId.get(id) ?? id));
  };
  return { key: lookup(keys.data), provider: lookup(providers.data), worker: lookup(workerKeys.data) };
}

/** A name or id → every id it stands for (names need not be unique). */
function idsNamed(value: string, entries: Array<{ id: string; name: string }>, flag: string, what: string): string[] {
  const ids = entries.filter((entry) => entry.id === value || entry.name === value).map((entry) => entry.id);
  if (ids.length === 0) throw new UsageError(`${flag}: no ${what} named '${value}'`);
  return ids;
}

function renderOne(r: RequestRecord, names: Names): string {
  const tokens = `${r.inputTokens} in, ${r.outputTokens} out` + (r.cacheReadTokens + r.cacheWriteTokens > 0 ? `, cache ${r.cacheReadTokens} read / ${r.cacheWriteTokens} written` : '') + (r.reasoningTokens > 0 ? `, ${r.reasoningTokens} reasoning` : '');
  const summary = details([
    ['id', r.id],
    ['time', readableTime(r.startedAt)],
    ['caller', names.key(r.keyId)],
    ['surface', r.surface],
    ['model asked', r.modelRequested],
    ['route', r.route],
    ['provider', names.provider(r.providerId)],
    ['model used', r.providerModel],
    ['tier', r.tier],
    ['worker', names.worker(r.workerId)],
    ['status', `${r.status}${r.errorCode === null ? '' : ` ${r.errorCode}`}${r.clientAborted ? ' (caller hung up)' : ''}`],
    ['error', r.errorMessage],
    ['finish', r.finishReason],
    ['stream', r.stream],
    ['tokens', tokens],
    ['cost', r.costUsd === null ? null : `$${r.costUsd.toFixed(4)}`],
    ['queued', duration(r.queueMs)],
    ['first byte', duration(r.firstByteMs)],
    ['total', duration(r.totalMs)],
  ]);
  const decision = table(
    ['CANDIDATE', 'TIER', 'OUTCOME', 'REASON'],
    r.decision.map((entry) => [`${entry.provider}:${entry.model}`, entry.tier, entry.outcome, entry.reason]),
    '(no candidates)',
  );
  return `${summary}\n\nrouting decision:\n${decision}`;
}

export function parseStatus(value: string): string {
  if (/^[1-5]\d\d$/.test(value) || /^[1-5]xx$/.test(value) || value === 'ok' || value === 'error') return value;
  throw new InvalidArgumentError('expected a status code (429), a class (4xx, 5xx), ok or error.');
}
