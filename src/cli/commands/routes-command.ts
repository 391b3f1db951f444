import { Command, InvalidArgumentError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { commaList, examples, withAdminConnection } from '../options.js';
import { show, table } from '../output.js';

interface RouteView {
  name: string;
  candidates: Array<{ provider: string; model: string }>;
}

/** `auxot routes …`: model names callers use, mapped to ordered candidates. */
export function routesCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('routes').description('map the model names callers use to ordered provider:model candidates');

  withAdminConnection(group.command('list').description('list routes'))
    .addHelpText('after', examples('auxot routes list'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/routes')) as { data: RouteView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['NAME', 'CANDIDATES (in order)'],
          data.map((route) => [route.name, route.candidates.map((candidate) => `${candidate.provider}:${candidate.model}`).join(' → ')]),
          'No routes configured; `auto` cascades over every provider (GPU → CLI → cloud). Add one: auxot routes set coding --candidates gpu-rack:qwen3-coder,anthropic:claude-sonnet-4-5',
        ),
      );
    });

  withAdminConnection(
    group
      .command('set')
      .argument('<name>', 'the model name callers will use (e.g. coding, auto)')
      .description('create or replace a route')
      .requiredOption('--candidates <list>', 'comma-separated provider:model pairs, tried in order', parseCandidates),
  )
    .addHelpText('after', examples('auxot routes set coding --candidates gpu-rack:qwen3-coder,claude-cli:sonnet,anthropic:claude-sonnet-4-5'))
    .action(async (name, options) => {
      const route = (await new AdminClient(options.url, options.key).call(
        'PUT',
        `/api/admin/routes/${encodeURIComponent(name)}`,
        { candidates: options.candidates },
        { candidates: '--candidates' },
      )) as RouteView;
      show(context, options, route, (view) => `route ${view.name}: ${view.candidates.map((c) => `${c.provider}:${c.model}`).join(' → ')}`);
    });

  withAdminConnection(group.command('remove').argument('<name>', 'route name').description('remove a route'))
    .addHelpText('after', examples('auxot routes remove coding'))
    .action(async (name, options) => {
      await new AdminClient(options.url, options.key).call('DELETE', `/api/admin/routes/${encodeURIComponent(name)}`);
      show(context, options, { removed: name }, () => `removed route ${name}`);
    });

  return group;
}

function parseCandidates(value: string): Array<{ provider: string; model: string }> {
  return commaList(value).map((entry) => {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) throw new InvalidArgumentError(`'${entry}' is not provider:model.`);
    return { provider: entry.slice(0, colon), model: entry.slice(colon + 1) };
  });
}
