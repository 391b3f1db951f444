import { InvalidArgumentError, Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type Logger, type LogLevel } from '../platform/logger.js';

/**
 * Flags shared by many commands, and strict parsers for flag values: a value that is not exactly
 * what the flag takes is refused (exit 2) with the flag's name, never guessed at.
 */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8420';

export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) throw new InvalidArgumentError('expected a whole number greater than 0.');
  return Number(value);
}

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number (0 or more).');
  return Number(value);
}

/** `true` or `false`, nothing else (`yes`, `1` and `on` are refused rather than read as false). */
export function strictBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false.');
}

/** `a,b , c` → `['a','b','c']`; an empty list is refused. */
export function commaList(value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list with at least one item.');
  return items;
}

export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://host:8000/v1.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL.');
  return value;
}

/** The name of an environment variable (for `--api-key-env`, `--upstream-key-env`). */
export function environmentVariableName(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new InvalidArgumentError('expected the name of an environment variable, such as OPENAI_API_KEY.');
  return value;
}

/** `--url` and `--key` of every admin command. */
export function withAdminServer<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(new Option('--url <url>', 'the Auxot server').env('AUXOT_URL').default(DEFAULT_SERVER_URL).argParser(httpUrl))
    .addOption(new Option('--key <key>', 'an owner or admin API key').env('AUXOT_ADMIN_KEY'));
}

/** `--url`, `--key`, `--json` and `--table` of every admin command that prints a result. */
export function withAdminConnection<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return withAdminServer(command)
    .addOption(new Option('--json', 'print JSON (the default when stdout is not a terminal)').conflicts('table'))
    .addOption(new Option('--table', 'print a table (the default on a terminal)'));
}

/** `--log-level` and `--log-format` of the long-running commands. */
export function withLogOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(new Option('--log-level <level>', 'lowest log level written').choices(LOG_LEVELS).env('AUXOT_LOG_LEVEL').default('info' as const))
    .addOption(
      new Option('--log-format <format>', 'log line format (default: pretty on a terminal, json otherwise)').choices(LOG_FORMATS).env('AUXOT_LOG_FORMAT'),
    );
}

/** An `Examples:` block for the end of a command's help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** The logger `--log-level` / `--log-format` ask for; NO_COLOR (https://no-color.org) turns colours off. */
export function cliLogger(options: { logLevel: LogLevel; logFormat?: LogFormat }, env: Readonly<Record<string, string | undefined>>): Logger {
  return createLogger({
    level: options.logLevel,
    ...(options.logFormat === undefined ? {} : { format: options.logFormat }),
    ...(env.NO_COLOR === undefined ? {} : { color: false }),
  });
}
