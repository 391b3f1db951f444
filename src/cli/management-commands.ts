import { parseArgs } from 'node:util';
import { AdminClient, CliError } from './admin-client.js';

export interface CommandEnvironment {
  env: Record<string, string | undefined>;
  print(text: string): void;
}

const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
} as const;

function clientFor(values: { url?: string; key?: string }, env: CommandEnvironment['env']): AdminClient {
  return new AdminClient(values.url ?? env.AUXOT_URL ?? 'http://127.0.0.1:8420', values.key ?? env.AUXOT_ADMIN_KEY);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new CliError(`--${flag} must be a positive integer`);
  return number;
}

function secretFrom(values: { 'api-key'?: string; 'api-key-env'?: string }, env: CommandEnvironment['env']): string | undefined {
  if (values['api-key-env'] !== undefined) {
    const value = env[values['api-key-env']];
    if (value === undefined || value === '') throw new CliError(`The environment variable ${values['api-key-env']} is not set`);
    return value;
  }
  return values['api-key'];
}

type StringOptions = Record<string, { type: 'string' }>;

/** What every admin subcommand starts with: its flags, action and target, a client, a printer. */
function invocation<T extends StringOptions>(args: string[], context: CommandEnvironment, options: T) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS, ...options } });
  const flags = values as Partial<Record<keyof T | keyof typeof CONNECTION_OPTIONS, string>>;
  const [action, target] = positionals;
  return {
    flags,
    action,
    target,
    client: clientFor(flags, context.env),
    show: (result: unknown): void => context.print(JSON.stringify(result, null, 2)),
  };
}

/** `auxot providers list|add|update|remove` */
export async function providersCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const { flags: values, action, target, client, show } = invocation(args, context, {
    name: { type: 'string' },
    kind: { type: 'string' },
    tier: { type: 'string' },
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    'api-key-env': { type: 'string' },
    models: { type: 'string' },
    'max-concurrency': { type: 'string' },
    enabled: { type: 'string' },
  });
  const settings = values['max-concurrency'] === undefined ? undefined : { maxConcurrency: positiveInteger(values['max-concurrency'], 'max-concurrency') };
  switch (action) {
    case 'list':
    case undefined:
      show(await client.call('GET', '/api/admin/providers'));
      return;
    case 'add':
      show(
        await client.call('POST', '/api/admin/providers', {
          name: values.name ?? target,
          kind: values.kind,
          tier: values.tier,
          baseUrl: values['base-url'],
          apiKey: secretFrom(values, context.env),
          models: list(values.models),
          settings,
        }),
      );
      return;
    case 'update':
      if (target === undefined) throw new CliError('usage: auxot providers update <name> [--base-url …] [--models …] [--api-key-env VAR] [--enabled true|false]');
      show(
        await client.call('PATCH', `/api/admin/providers/${encodeURIComponent(target)}`, {
          tier: values.tier,
          baseUrl: values['base-url'],
          apiKey: secretFrom(values, context.env),
          models: list(values.models),
          settings,
          enabled: values.enabled === undefined ? undefined : values.enabled === 'true',
        }),
      );
      return;
    case 'remove':
      if (target === undefined) throw new CliError('usage: auxot providers remove <name>');
      await client.call('DELETE', `/api/admin/providers/${encodeURIComponent(target)}`);
      context.print(`removed provider ${target}`);
      return;
    default:
      throw new CliError(`unknown action '${action}': use list, add, update or remove`);
  }
}

/** `auxot keys list|create|revoke` */
export async function keysCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const { flags: values, action, target, client, show } = invocation(args, context, {
    name: { type: 'string' },
    role: { type: 'string' },
    'service-class': { type: 'string' },
  });
  switch (action) {
    case 'list':
    case undefined:
      show(await client.call('GET', '/api/admin/keys'));
      return;
    case 'create':
      show(await client.call('POST', '/api/admin/keys', { name: values.name ?? target, role: values.role, serviceClass: values['service-class'] }));
      return;
    case 'revoke':
      if (target === undefined) throw new CliError('usage: auxot keys revoke <key id>');
      show(await client.call('DELETE', `/api/admin/keys/${encodeURIComponent(target)}`));
      return;
    default:
      throw new CliError(`unknown action '${action}': use list, create or revoke`);
  }
}

/** `auxot requests [--limit N]` */
export async function requestsCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const { values } = parseArgs({ args, options: { ...CONNECTION_OPTIONS, limit: { type: 'string' } } });
  const limit = positiveInteger(values.limit, 'limit') ?? 20;
  context.print(JSON.stringify(await clientFor(values, context.env).call('GET', `/api/admin/requests?limit=${limit}`), null, 2));
}

/** `auxot routes list|set <name> --candidates provider:model,…|remove <name>` */
export async function routesCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const { flags: values, action, target: name, client, show } = invocation(args, context, { candidates: { type: 'string' } });
  switch (action) {
    case 'list':
    case undefined:
      show(await client.call('GET', '/api/admin/routes'));
      return;
    case 'set': {
      if (name === undefined || values.candidates === undefined) {
        throw new CliError('usage: auxot routes set <name> --candidates gpu-rack:llama-3.1-8b,claude-cli:sonnet,openai:gpt-4.1');
      }
      const candidates = (list(values.candidates) ?? []).map((entry) => {
        const colon = entry.indexOf(':');
        if (colon <= 0) throw new CliError(`candidate '${entry}' must be provider:model`);
        return { provider: entry.slice(0, colon), model: entry.slice(colon + 1) };
      });
      show(await client.call('PUT', `/api/admin/routes/${encodeURIComponent(name)}`, { candidates }));
      return;
    }
    case 'remove':
      if (name === undefined) throw new CliError('usage: auxot routes remove <name>');
      await client.call('DELETE', `/api/admin/routes/${encodeURIComponent(name)}`);
      context.print(`removed route ${name}`);
      return;
    default:
      throw new CliError(`unknown action '${action}': use list, set or remove`);
  }
}

/** `auxot workers list|add-key --provider P --name N|keys|revoke-key <id>` */
export async function workersCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const { flags: values, action, target, client, show } = invocation(args, context, { provider: { type: 'string' }, name: { type: 'string' } });
  switch (action) {
    case 'list':
    case undefined:
      show(await client.call('GET', '/api/admin/workers'));
      return;
    case 'add-key':
      if (values.provider === undefined) throw new CliError('usage: auxot workers add-key --provider <gpu-worker or cli-worker provider> --name <worker name>');
      show(await client.call('POST', '/api/admin/worker-keys', { provider: values.provider, name: values.name ?? target ?? values.provider }));
      return;
    case 'keys':
      show(await client.call('GET', '/api/admin/worker-keys'));
      return;
    case 'revoke-key':
      if (target === undefined) throw new CliError('usage: auxot workers revoke-key <id>');
      await client.call('DELETE', `/api/admin/worker-keys/${encodeURIComponent(target)}`);
      context.print(`revoked worker key ${target}`);
      return;
    default:
      throw new CliError(`unknown action '${action}': use list, add-key, keys or revoke-key`);
  }
}
