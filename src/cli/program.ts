import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { CliContext, CommandGroup } from './cli-context.js';
import { adminCommand } from './commands/admin-command.js';
import { agentsCommand } from './commands/agents-command.js';
import { auditCommand } from './commands/audit-command.js';
import { configCommand } from './commands/config-command.js';
import { keysCommand } from './commands/keys-command.js';
import { policiesCommand } from './commands/policies-command.js';
import { providersCommand } from './commands/providers-command.js';
import { requestsCommand } from './commands/requests-command.js';
import { routesCommand } from './commands/routes-command.js';
import { secretsCommand } from './commands/secrets-command.js';
import { serveCommand } from './commands/serve-command.js';
import { skillsCommand } from './commands/skills-command.js';
import { serviceAccountsCommand } from './commands/service-accounts-command.js';
import { teamsCommand } from './commands/teams-command.js';
import { usageCommand } from './commands/usage-command.js';
import { usersCommand } from './commands/users-command.js';
import { workerCommand } from './commands/worker-command.js';
import { workersCommand } from './commands/workers-command.js';

/** Every command group, in the order `auxot --help` lists them. A new group is one file and one line here. */
const COMMAND_GROUPS: readonly CommandGroup[] = [
  serveCommand,
  adminCommand,
  providersCommand,
  routesCommand,
  teamsCommand,
  usersCommand,
  serviceAccountsCommand,
  keysCommand,
  policiesCommand,
  secretsCommand,
  agentsCommand,
  skillsCommand,
  workersCommand,
  requestsCommand,
  usageCommand,
  auditCommand,
  configCommand,
  workerCommand,
];

/** The `auxot` program. Commander parses; main.ts turns its errors into exit codes. */
export function buildProgram(context: CliContext, writeErr: (text: string) => void): CommandUnknownOpts {
  const program = new Command('auxot')
    .description('One gateway for every AI request in the organization.')
    .version(context.version, '-v, --version', 'print the version')
    .addHelpText(
      'after',
      `
Admin commands talk to a running server: --url (AUXOT_URL, default http://127.0.0.1:8420) with
--key (AUXOT_ADMIN_KEY). Workers dial --server (AUXOT_SERVER_URL) with --key (AUXOT_WORKER_KEY).
Run \`auxot <command> --help\` for a command's flags, environment variables and examples.`,
    );
  for (const group of COMMAND_GROUPS) program.addCommand(group(context));
  configure(program, writeErr);
  return program;
}

/** Applied to every command: errors throw (exit codes are ours), suggestions for typos, help on stdout. */
function configure(command: CommandUnknownOpts, writeErr: (text: string) => void): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr, outputError: (text, write) => write(text) });
  for (const child of command.commands) configure(child, writeErr);
}

export { CommanderError };
