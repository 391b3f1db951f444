import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { commaList, examples, positiveInteger, withAdminConnection } from '../options.js';
import { details, readableTime, show, table } from '../output.js';

interface AgentView {
  name: string;
  team: string | null;
  description: string;
  personality: string;
  skills: string[];
  contextFiles: string[];
  mcp: Array<{ connection: string; allowTools: string[] }>;
  model: string;
  maxSteps: number;
  toolTimeoutMs: number;
  updatedAt: string | null;
}

interface RunView {
  id: string;
  agentName: string;
  status: string;
  surface: string;
  steps: unknown[];
  startedAt: number;
  endedAt: number | null;
}

/** `auxot agents …`: personality + skills + MCP tools, called as model agent:<name>. */
export function agentsCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('agents').description('agents: a personality with skills, context files and MCP tools, called as model agent:<name>');

  withAdminConnection(group.command('list').description('list the agents you may call'))
    .addHelpText('after', examples('auxot agents list'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/agents')) as { data: AgentView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['NAME', 'TEAM', 'MODEL', 'SKILLS', 'MCP', 'STEPS', 'DESCRIPTION'],
          data.map((agent) => [agent.name, agent.team ?? '(org)', agent.model, agent.skills.join(', '), agent.mcp.map((entry) => entry.connection).join(', '), agent.maxSteps, agent.description]),
          'No agents yet. Create one: auxot agents set triage --personality-file triage.md --skills triage',
        ),
      );
    });

  withAdminConnection(group.command('show').argument('<name>', 'agent name').description("show an agent's definition"))
    .addHelpText('after', examples('auxot agents show triage'))
    .action(async (name, options) => {
      const agent = (await new AdminClient(options.url, options.key).call('GET', `/api/admin/agents/${encodeURIComponent(name)}`)) as AgentView;
      show(context, options, agent, (view) =>
        [
          details([
            ['name', view.name],
            ['call as', `agent:${view.name}`],
            ['team', view.team ?? '(whole organization)'],
            ['model', view.model],
            ['skills', view.skills.join(', ') || '(none)'],
            ['context files', view.contextFiles.join(', ') || '(none)'],
            ['mcp', view.mcp.map((entry) => `${entry.connection} [${entry.allowTools.join(', ')}]`).join('; ') || '(none)'],
            ['max steps', view.maxSteps],
            ['tool timeout', `${view.toolTimeoutMs} ms`],
            ['updated', readableTime(view.updatedAt)],
          ]),
          '',
          view.personality,
        ].join('\n'),
      );
    });

  withAdminConnection(
    group
      .command('set')
      .argument('<name>', 'agent name (lowercase letters, digits, . _ -)')
      .description('create or replace an agent (what you leave out takes its default)')
      .option('--team <team>', 'owning team; leave out for an organization-wide agent')
      .option('--description <text>', "the agent's job, shown to people choosing one")
      .option('--personality <text>', 'instructions: who the agent is and how it works')
      .option('--personality-file <path>', 'read the personality from a markdown file')
      .option('--skills <list>', 'comma-separated skill names', commaList)
      .option('--context-files <list>', 'comma-separated context file names', commaList)
      .option('--mcp <connection=tools>', "an MCP connection and its allowed tools ('*' for every approved one); repeat for several", collectMcp, [])
      .option('--model <model>', 'model or route each step asks for (default auto)')
      .option('--max-steps <n>', 'step limit (default 10)', positiveInteger)
      .addOption(new Option('--tool-timeout-ms <ms>', 'timeout of each tool call (default 30000)').argParser(positiveInteger)),
  )
    .addHelpText('after', examples('auxot agents set triage --team ops --personality-file triage.md --skills triage --context-files oncall --mcp github=search_issues,get_issue'))
    .action(async (name, options) => {
      const personality = options.personalityFile === undefined ? options.personality : await readFile(options.personalityFile, 'utf8');
      const body: Record<string, unknown> = {};
      const set = (field: string, value: unknown): void => {
        if (value !== undefined) body[field] = value;
      };
      set('team', options.team);
      set('description', options.description);
      set('personality', personality);
      set('skills', options.skills);
      set('contextFiles', options.contextFiles);
      if (options.mcp.length > 0) body.mcp = options.mcp;
      set('model', options.model);
      set('maxSteps', options.maxSteps);
      set('toolTimeoutMs', options.toolTimeoutMs);
      const agent = (await new AdminClient(options.url, options.key).call('PUT', `/api/admin/agents/${encodeURIComponent(name)}`, body, {
        team: '--team',
        skills: '--skills',
        contextFiles: '--context-files',
        mcp: '--mcp',
        model: '--model',
        maxSteps: '--max-steps',
        toolTimeoutMs: '--tool-timeout-ms',
      })) as AgentView;
      show(context, options, agent, (view) => `agent ${view.name} saved; call it as model agent:${view.name}`);
    });

  withAdminConnection(group.command('delete').argument('<name>', 'agent name').description('delete an agent'))
    .addHelpText('after', examples('auxot agents delete triage'))
    .action(async (name, options) => {
      await new AdminClient(options.url, options.key).call('DELETE', `/api/admin/agents/${encodeURIComponent(name)}`);
      show(context, options, { deleted: name }, () => `deleted agent ${name}`);
    });

  withAdminConnection(
    group
      .command('runs')
      .description('list agent runs (your own; team admins their teams’; admins all)')
      .option('--agent <name>', 'only this agent')
      .option('--limit <n>', 'how many (default 50)', positiveInteger),
  )
    .addHelpText('after', examples('auxot agents runs --agent triage --limit 20'))
    .action(async (options) => {
      const query = new URLSearchParams();
      if (options.agent !== undefined) query.set('agent', options.agent);
      if (options.limit !== undefined) query.set('limit', String(options.limit));
      const result = (await new AdminClient(options.url, options.key).call('GET', `/api/admin/agent-runs?${query.toString()}`)) as { data: RunView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['RUN', 'AGENT', 'STATUS', 'SURFACE', 'STEPS', 'STARTED'],
          data.map((run) => [run.id, run.agentName, run.status, run.surface, run.steps.length, readableTime(run.startedAt)]),
          'No runs yet.',
        ),
      );
    });

  return group;
}

function collectMcp(value: string, previous: Array<{ connection: string; allowTools: string[] }>): Array<{ connection: string; allowTools: string[] }> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`'${value}' is not connection=tool,tool (or connection=*).`);
  return [...previous, { connection: value.slice(0, equals), allowTools: commaList(value.slice(equals + 1)) }];
}
