import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-errors.js';
import { examples, httpUrl, withAdminConnection, withAdminServer } from '../options.js';
import { show, table } from '../output.js';

interface ValidationReport {
  ok: boolean;
  untrustedText: boolean;
  checks: Array<{ check: string; target: string; ok: boolean; problem?: string; fix?: string; upstreamText?: string }>;
}

/** `auxot config …`: the whole configuration as JSON, whether it is ready to go live, and the hand-off summary. */
export function configCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('config').description('export the configuration, validate it before going live, print the hand-off summary');

  withAdminServer(group.command('export').description('print the whole configuration as deterministic JSON (by name; no ids, times or secret values)'))
    .addHelpText('after', examples('auxot config export > before.json', 'diff <(auxot config export) before.json'))
    .action(async (options) => {
      const exported = await new AdminClient(options.url, options.key).call('GET', '/api/admin/config/export');
      context.print(JSON.stringify(exported, null, 2));
    });

  withAdminConnection(group.command('validate').description('check providers, routes, teams, agents’ MCP connections and the start-up key; exit 1 when something fails'))
    .addHelpText('after', examples('auxot config validate', 'auxot config validate --json'))
    .action(async (options) => {
      const report = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/validate')) as ValidationReport;
      show(context, options, report, render);
      if (!report.ok) throw new CliError(`${report.checks.filter((check) => !check.ok).length} check(s) failed`);
    });

  withAdminConnection(group.command('handoff').description('print the hand-off summary: endpoints, team routes and limits, client set-up (never key values)').option('--base-url <url>', 'where callers reach Auxot (default: the server’s AUXOT_PUBLIC_URL or listen address)', httpUrl))
    .addHelpText('after', examples('auxot config handoff --base-url https://ai.example.com'))
    .action(async (options) => {
      const query = options.baseUrl === undefined ? '' : `?baseUrl=${encodeURIComponent(options.baseUrl)}`;
      const summary = (await new AdminClient(options.url, options.key).call('GET', `/api/admin/handoff${query}`, undefined, { baseUrl: '--base-url' })) as { text: string };
      show(context, options, summary, (view) => view.text);
    });

  return group;
}

function render(report: ValidationReport): string {
  const rows = report.checks.map((check) => [check.ok ? 'ok' : 'FAIL', check.check, check.target, check.ok ? '' : `${check.problem ?? ''}\n  fix: ${check.fix ?? ''}`]);
  const quoted = report.checks.filter((check) => check.upstreamText !== undefined).map((check) => `  ${check.target}: ${JSON.stringify(check.upstreamText)}`);
  return [
    table(['', 'CHECK', 'TARGET', 'PROBLEM'], rows),
    ...(quoted.length === 0 ? [] : ['', 'What upstreams said (untrusted text, quoted as received):', ...quoted]),
    '',
    report.ok ? 'Ready to go live.' : 'Not ready: fix the failing checks and validate again.',
  ].join('\n');
}
