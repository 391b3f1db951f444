import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { SecretInputStream } from './secret-input.js';

/** The process's own streams, for the one interactive command (`auxot admin` reads lines and streams text). */
export interface CliTerminal {
  stdin: SecretInputStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Subscribes to SIGINT (Ctrl-C while the terminal is not in raw mode); returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
}

/** What every command is given: the environment and the two output streams (main.ts fills it in). */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Writes one line (or block) to stdout. */
  print(text: string): void;
  /** Writes bytes to stdout as they are, resolving when stdout takes more (streamed exports wait on it). */
  write(chunk: Uint8Array): Promise<void>;
  /** True when stdout is a terminal: tables instead of JSON by default. */
  stdoutIsTerminal: boolean;
  /** True when stderr is a terminal: readable logs and progress bars instead of JSON lines. */
  stderrIsTerminal: boolean;
  version: string;
  /** Reads a secret from standard input: without echo on a terminal, whole from a pipe. */
  readSecret(prompt: string): Promise<string>;
  /** Absent where the program is built without a process to talk to (tests of the command tree). */
  terminal?: CliTerminal;
}

/** One command group (`auxot providers`, `auxot keys`, …): a function of the context, in its own file. */
export type CommandGroup = (context: CliContext) => CommandUnknownOpts;
