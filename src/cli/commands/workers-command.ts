import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { examples, withAdminConnection } from '../options.js';
import { readableTime, shortList, show, table } from '../output.js';
import { nameFrom } from './providers-command.js';

export interface ConnectedWorker {
  id: string;
  name: string;
  provider: string;
  engine: string;
  models: string[];
  slots: number;
  busy: number;
  connectedAt?: string;
}

export interface WorkerKeyView {
  id: string;
  name: string;
  provider: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** `auxot workers …`: the GPU and CLI workers that dial in, and their keys. */
export function workersCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('workers').description('see connected workers and manage worker keys');

  withAdminConnection(group.command('list').description('list the workers connected now'))
    .addHelpText('after', examples('auxot workers list'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/workers')) as { data: ConnectedWorker[] };
      show(context, options, result, ({ data }) =>
        table(
          ['ID', 'NAME', 'PROVIDER', 'ENGINE', 'MODELS', 'BUSY/SLOTS', 'CONNECTED'],
          data.map((w) => [w.id, w.name, w.provider, w.engine, shortList(w.models), `${w.busy}/${w.slots}`, readableTime(w.connectedAt)]),
          'No workers connected. Start one with `auxot worker gpu …` or `auxot worker cli …` (see auxot worker --help).',
        ),
      );
    });

  withAdminConnection(
    group
      .command('add-key')
      .argument('[name]', 'the worker this key is for (or --name); becomes the worker name')
      .description('create a key for one worker of a gpu-worker or cli-worker provider; printed once')
      .requiredOption('--provider <name>', 'the gpu-worker or cli-worker provider the worker serves')
      .option('--name <name>', 'the worker name'),
  )
    .addHelpText('after', examples('auxot workers add-key rack-1 --provider gpu-rack', 'auxot workers add-key laptop --provider claude-cli'))
    .action(async (positional, options) => {
      const name = nameFrom(positional, options.name, 'auxot workers add-key <name> --provider <provider>');
      const created = (await new AdminClient(options.url, options.key).call(
        'POST',
        '/api/admin/worker-keys',
        { provider: options.provider, name },
        { provider: '--provider', name: '--name' },
      )) as { key: string; workerKey: WorkerKeyView };
      show(context, options, created, ({ key, workerKey }) =>
        [
          `created worker key ${workerKey.name} (${workerKey.id}) for provider ${workerKey.provider}`,
          '',
          `  ${key}`,
          '',
          'This is the only time the key is shown. On the worker machine:',
          `  AUXOT_WORKER_KEY=<key> AUXOT_SERVER_URL=${options.url} auxot worker gpu|cli …`,
        ].join('\n'),
      );
    });

  withAdminConnection(group.command('keys').description('list worker keys (never their secrets)'))
    .addHelpText('after', examples('auxot workers keys'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/worker-keys')) as { data: WorkerKeyView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['ID', 'NAME', 'PROVIDER', 'PREFIX', 'CREATED', 'REVOKED'],
          data.map((key) => [key.id, key.name, key.provider, key.prefix, readableTime(key.createdAt), readableTime(key.revokedAt)]),
        ),
      );
    });

  withAdminConnection(group.command('revoke-key').argument('<id>', 'the worker key id (auxot workers keys)').description('revoke a worker key'))
    .addHelpText('after', examples('auxot workers revoke-key wkey_01J…'))
    .action(async (id, options) => {
      await new AdminClient(options.url, options.key).call('DELETE', `/api/admin/worker-keys/${encodeURIComponent(id)}`);
      show(context, options, { revoked: id }, () => `revoked worker key ${id}`);
    });

  return group;
}
