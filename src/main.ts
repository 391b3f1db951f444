// First, so V8 is tuned before anything else runs (src/platform/v8-tuning.ts).
import './platform/v8-tuning.js';
import { readFileSync } from 'node:fs';
import { StartupError } from './app/startup-error.js';
import type { CliContext } from './cli/cli-context.js';
import { CliError, EXIT_CODES, UsageError } from './cli/cli-errors.js';
import { buildProgram, CommanderError } from './cli/program.js';
import { readSecretInput } from './cli/secret-input.js';

/** The entry point and, with the CLI, the only reader of process.env and argv. */
async function main(argv: string[]): Promise<number> {
  const context: CliContext = {
    env: process.env,
    print: (text) => void process.stdout.write(`${text}\n`),
    write: writeStdout,
    stdoutIsTerminal: process.stdout.isTTY,
    stderrIsTerminal: process.stderr.isTTY,
    version: packageVersion(),
    readSecret: (prompt) => readSecretInput(process.stdin, (text) => void process.stderr.write(text), prompt),
    terminal: {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      onInterrupt: (handler) => {
        process.on('SIGINT', handler);
        return () => void process.off('SIGINT', handler);
      },
    },
  };
  const writeErr = (text: string): void => void process.stderr.write(text);
  const program = buildProgram(context, writeErr);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_CODES.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end this way too, with exit code 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (error instanceof UsageError) {
      writeErr(`error: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof CliError || error instanceof StartupError) {
      writeErr(`error: ${error.message}\n`);
      return EXIT_CODES.failure;
    }
    writeErr(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_CODES.failure;
  }
}

/** Set when stdout fails (a reader that went away, as `| head` does): later writes reject instead of crashing. */
let stdoutError: Error | undefined;
process.stdout.on('error', (error: Error) => {
  stdoutError = error;
});

/** One chunk to stdout, waiting for it to drain when its buffer is full. */
function writeStdout(chunk: Uint8Array): Promise<void> {
  if (stdoutError !== undefined) return Promise.reject(stdoutError);
  if (process.stdout.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      process.stdout.off('drain', settle).off('error', settle);
      if (error === undefined) resolve();
      else reject(error);
    };
    process.stdout.once('drain', settle).once('error', settle);
  });
}

function packageVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return packageJson.version ?? 'unknown';
}

process.exitCode = await main(process.argv.slice(2));
