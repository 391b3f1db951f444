import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient, type FlagNames } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError, UsageError } from '../cli-errors.js';
import { commaList, environmentVariableName, examples, httpUrl, positiveInteger, strictBoolean, withAdminConnection } from '../options.js';
import { details, readableTime, shortList, show, table } from '../output.js';

const KINDS = ['openai', 'anthropic', 'openai-compatible', 'gpu-worker', 'cli-worker'] as const;
const TIERS = ['gpu', 'cli', 'cloud'] as const;

const FLAGS: FlagNames = {
  name: '--name',
  kind: '--kind',
  tier: '--tier',
  baseUrl: '--base-url',
  apiKey: '--api-key / --api-key-env',
  models: '--models',
  enabled: '--enabled',
  'settings.maxConcurrency': '--max-concurrency',
  'settings.firstByteTimeoutMs': '--first-byte-timeout-ms',
  'settings.idleTimeoutMs': '--idle-timeout-ms',
  'settings.defaultMaxOutputTokens': '--default-max-output-tokens',
};

export interface ProviderView {
  id: string;
  name: string;
  kind: string;
  tier: string;
  baseUrl: string | null;
  models: string[];
  settings: Record<string, number | undefined>;
  enabled: boolean;
  hasApiKey: boolean;
  createdAt: string;
  updatedAt: string;
  capacity?: { state: string; inFlight: number; limit: number | null };
}

/** `auxot providers …`: the upstreams and worker pools requests are routed to. */
export function providersCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('providers').description('list, add, change and remove providers (cloud APIs, OpenAI-compatible servers, worker pools)');

  withAdminConnection(group.command('list').description('list providers with their models, state and capacity'))
    .addHelpText('after', examples('auxot providers list', 'auxot providers list --json | jq -r ".data[].name"'))
    .action(async (options) => {
      const result = (await client(options).call('GET', '/api/admin/providers')) as { data: ProviderView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['NAME', 'KIND', 'TIER', 'STATE', 'IN FLIGHT', 'MODELS', 'BASE URL', 'KEY'],
          data.map((p) => [
            p.name,
            p.kind,
            p.tier,
            p.enabled ? (p.capacity?.state ?? '-') : 'disabled',
            p.capacity === undefined ? '-' : `${p.capacity.inFlight}/${p.capacity.limit ?? '∞'}`,
            shortList(p.models),
            p.baseUrl,
            p.hasApiKey ? 'set' : '-',
          ]),
          'No providers yet. Add one: auxot providers add openai --kind openai --api-key-env OPENAI_API_KEY',
        ),
      );
    });

  withAdminConnection(group.command('show').argument('<name>', 'provider name or id').description('show one provider'))
    .addHelpText('after', examples('auxot providers show anthropic'))
    .action(async (name, options) => {
      const provider = (await client(options).call('GET', `/api/admin/providers/${encodeURIComponent(name)}`)) as ProviderView;
      show(context, options, provider, renderProvider);
    });

  withAdminConnection(
    group
      .command('add')
      .argument('[name]', 'provider name (or --name)')
      .description('add a provider')
      .addOption(new Option('--name <name>', 'provider name: letters, digits, ".", "_", "-"'))
      .addOption(new Option('--kind <kind>', 'what the provider is').choices(KINDS).makeOptionMandatory())
      .option('--base-url <url>', 'upstream base URL (OpenAI-style bases include /v1; default for openai and anthropic: the vendor API)', httpUrl)
      .option('--api-key-env <variable>', 'read the upstream API key from this environment variable (keeps it out of shell history)', environmentVariableName)
      .option('--api-key <key>', 'the upstream API key itself (prefer --api-key-env)')
      .option('--models <list>', 'comma-separated model names or * patterns (default for openai, anthropic and openai-compatible: what the upstream lists)', commaList)
      .addOption(new Option('--tier <tier>', 'cascade tier (default: gpu for gpu-worker, cli for cli-worker, cloud otherwise)').choices(TIERS))
      .option('--max-concurrency <n>', 'most requests in flight at once', positiveInteger)
      .option('--first-byte-timeout-ms <ms>', 'time allowed until the first byte of an answer', positiveInteger)
      .option('--idle-timeout-ms <ms>', 'longest silence allowed inside a streamed answer', positiveInteger)
      .option('--default-max-output-tokens <n>', 'output limit sent when the caller gave none and the upstream needs one', positiveInteger)
      .option('--enabled <boolean>', 'whether requests may be routed to it (true or false; default true)', strictBoolean),
  )
    .addHelpText(
      'after',
      examples(
        'auxot providers add anthropic --kind anthropic --api-key-env ANTHROPIC_API_KEY',
        'auxot providers add vllm --kind openai-compatible --base-url http://gpu-box:8000/v1 --models qwen3-coder',
        'auxot providers add gpu-rack --kind gpu-worker --models llama-3.1-8b',
      ),
    )
    .action(async (positional, options) => {
      const name = nameFrom(positional, options.name, 'auxot providers add <name> --kind …');
      const provider = (await client(options).call(
        'POST',
        '/api/admin/providers',
        {
          name,
          kind: options.kind,
          tier: options.tier,
          baseUrl: options.baseUrl,
          apiKey: secretFrom(options, context),
          models: options.models,
          settings: settingsFrom(options, {}),
          enabled: options.enabled,
        },
        FLAGS,
      )) as ProviderView;
      show(context, options, provider, (view) => `added provider ${view.name}\n${renderProvider(view)}`);
    });

  withAdminConnection(
    group
      .command('update')
      .argument('<name>', 'provider name or id')
      .description('change a provider (only the flags given change)')
      .option('--base-url <url>', 'new upstream base URL', httpUrl)
      .option('--api-key-env <variable>', 'new upstream API key, read from this environment variable', environmentVariableName)
      .option('--api-key <key>', 'new upstream API key (prefer --api-key-env)')
      .option('--remove-api-key', 'remove the stored upstream API key')
      .option('--models <list>', 'replace the model list (comma-separated names or * patterns)', commaList)
      .addOption(new Option('--tier <tier>', 'cascade tier').choices(TIERS))
      .option('--max-concurrency <n>', 'most requests in flight at once', positiveInteger)
      .option('--first-byte-timeout-ms <ms>', 'time allowed until the first byte of an answer', positiveInteger)
      .option('--idle-timeout-ms <ms>', 'longest silence allowed inside a streamed answer', positiveInteger)
      .option('--default-max-output-tokens <n>', 'output limit sent when the caller gave none', positiveInteger)
      .option('--enabled <boolean>', 'true or false', strictBoolean),
  )
    .addHelpText('after', examples('auxot providers update vllm --models qwen3-coder,qwen3-32b', 'auxot providers update openai --enabled false'))
    .action(async (name, options) => {
      const api = client(options);
      const path = `/api/admin/providers/${encodeURIComponent(name)}`;
      if (options.removeApiKey === true && (options.apiKey !== undefined || options.apiKeyEnv !== undefined)) {
        throw new UsageError('--remove-api-key cannot be combined with --api-key or --api-key-env');
      }
      const changes: Record<string, unknown> = {
        tier: options.tier,
        baseUrl: options.baseUrl,
        apiKey: options.removeApiKey === true ? null : secretFrom(options, context),
        models: options.models,
        enabled: options.enabled,
      };
      // The API replaces settings whole; keep the ones this command does not change.
      if (hasSettings(options)) changes.settings = settingsFrom(options, ((await api.call('GET', path)) as ProviderView).settings);
      if (Object.values(changes).every((value) => value === undefined)) {
        throw new UsageError('nothing to change: give at least one flag (see auxot providers update --help)');
      }
      const provider = (await api.call('PATCH', path, changes, FLAGS)) as ProviderView;
      show(context, options, provider, (view) => `updated provider ${view.name}\n${renderProvider(view)}`);
    });

  withAdminConnection(group.command('remove').argument('<name>', 'provider name or id').description('remove a provider (its worker keys stop working)'))
    .addHelpText('after', examples('auxot providers remove vllm'))
    .action(async (name, options) => {
      await client(options).call('DELETE', `/api/admin/providers/${encodeURIComponent(name)}`);
      show(context, options, { removed: name }, () => `removed provider ${name}`);
    });

  return group;
}

function client(options: { url: string; key?: string }): AdminClient {
  return new AdminClient(options.url, options.key);
}

/** A name given as the argument or as --name, not both (unless they agree). */
export function nameFrom(positional: string | undefined, flag: string | undefined, usage: string): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) throw new UsageError(`the name is given twice ('${positional}' and --name '${flag}')`);
  const name = positional ?? flag;
  if (name === undefined) throw new UsageError(`missing the name: ${usage}`);
  return name;
}

function secretFrom(options: { apiKey?: string; apiKeyEnv?: string }, context: CliContext): string | undefined {
  if (options.apiKey !== undefined && options.apiKeyEnv !== undefined) throw new UsageError('give --api-key or --api-key-env, not both');
  if (options.apiKeyEnv === undefined) return options.apiKey;
  const value = context.env[options.apiKeyEnv];
  if (value === undefined || value === '') throw new CliError(`--api-key-env: the environment variable ${options.apiKeyEnv} is not set`);
  return value;
}

interface SettingFlags {
  maxConcurrency?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  defaultMaxOutputTokens?: number;
}

function hasSettings(options: SettingFlags): boolean {
  return [options.maxConcurrency, options.firstByteTimeoutMs, options.idleTimeoutMs, options.defaultMaxOutputTokens].some((value) => value !== undefined);
}

function settingsFrom(options: SettingFlags, current: Record<string, number | undefined>): Record<string, number | undefined> | undefined {
  if (!hasSettings(options)) return undefined;
  return {
    ...current,
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    ...(options.firstByteTimeoutMs === undefined ? {} : { firstByteTimeoutMs: options.firstByteTimeoutMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.defaultMaxOutputTokens === undefined ? {} : { defaultMaxOutputTokens: options.defaultMaxOutputTokens }),
  };
}

function renderProvider(p: ProviderView): string {
  const settings = Object.entries(p.settings)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return details([
    ['name', p.name],
    ['id', p.id],
    ['kind', p.kind],
    ['tier', p.tier],
    ['enabled', p.enabled],
    ['state', p.capacity === undefined ? undefined : `${p.capacity.state} (${p.capacity.inFlight}/${p.capacity.limit ?? '∞'} in flight)`],
    ['base URL', p.baseUrl],
    ['API key', p.hasApiKey ? 'set (never shown)' : 'none'],
    ['models', p.models.join(', ')],
    ['settings', settings],
    ['created', readableTime(p.createdAt)],
    ['updated', readableTime(p.updatedAt)],
  ]);
}
