import { CliError } from './cli/admin-client.js';
import {
  keysCommand,
  providersCommand,
  requestsCommand,
  routesCommand,
  workersCommand,
  type CommandEnvironment,
} from './cli/management-commands.js';
import { serveCommand } from './cli/serve-command.js';
import { workerCommand } from './cli/worker-commands.js';

const USAGE = `auxot — one gateway for every AI request in the organization

usage:
  auxot serve [--port 8420] [--host 0.0.0.0] [--data-dir ./.auxot]
  auxot providers list | add | update <name> | remove <name>
  auxot keys list | create --name N [--role member|service|admin] [--service-class interactive|batch] | revoke <id>
  auxot routes list | set <name> --candidates provider:model,… | remove <name>
  auxot workers list | add-key --provider P --name N | keys | revoke-key <id>
  auxot requests [--limit 20]
  auxot worker gpu --key K [--server URL] (--model <file.gguf|hf:uri> [--slots N] [--context-size N] [--threads N]
                   | --upstream <openai-compatible url> [--models a,b] [--slots N])
  auxot worker cli --key K [--server URL] [--slots N] [--models a,b] [--allowed-tools Bash,Read] [--max-turns N]

admin commands talk to a running server: --url (AUXOT_URL, default http://127.0.0.1:8420)
and --key (AUXOT_ADMIN_KEY). Workers dial --server (AUXOT_SERVER_URL) with --key (AUXOT_WORKER_KEY).`;

type Command = (args: string[], context: CommandEnvironment) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  providers: providersCommand,
  keys: keysCommand,
  requests: requestsCommand,
  routes: routesCommand,
  workers: workersCommand,
  worker: workerCommand,
};

/** The entry point and the only reader of process.env and argv. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`auxot: unknown command '${name}'\n\n${USAGE}\n`);
    return 1;
  }
  const context: CommandEnvironment = { env: process.env, print: (text) => process.stdout.write(`${text}\n`) };
  try {
    await command(args, context);
    return 0;
  } catch (error) {
    if (error instanceof CliError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`auxot: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
