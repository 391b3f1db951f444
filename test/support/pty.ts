import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { childEnv } from './auxot-cli.js';

/**
 * A program run on a real pseudo-terminal, driven like a person at a keyboard.
 *
 * util-linux `script -qfec CMD /dev/null` opens a pty pair, makes the slave the child's
 * controlling terminal and copies bytes both ways between it and our pipes: the child sees
 * `isTTY`, can switch raw mode, and the kernel's line discipline echoes typed text (when echo is
 * on) and turns \x03 into SIGINT (when not raw) exactly as in a terminal emulator. No native
 * module (node-pty) is needed.
 *
 * Waiting is on output only: `waitFor(regex)` resolves when the text the program has written
 * matches, never after a delay.
 */
export interface PtyProcess {
  /** Keystrokes as a terminal sends them: `\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D. */
  write(keys: string): void;
  /** Types a line and presses Enter. */
  typeLine(line: string): void;
  /** Everything the terminal showed so far, escape sequences removed and line ends as `\n`. */
  output(): string;
  /** The bytes exactly as the terminal received them. */
  rawOutput(): string;
  /**
   * Resolves with the first match of `pattern` in the output after the cursor, and moves the
   * cursor past it, so consecutive waits read the session in order. Rejects when the program
   * exits without printing it, or after `timeoutMs` (a guard against a hung test, with the output
   * in the message).
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The output after the cursor (what the next `waitFor` searches). */
  pending(): string;
  /** Resolves with the program's exit code once it has exited. */
  readonly exited: Promise<number | null>;
  /**
   * Hangs up the terminal and waits for `script` to end. `script` is killed outright (it holds
   * SIGHUP and spends seconds on SIGTERM); closing the pty master makes the kernel send the
   * program SIGHUP, as when a terminal window is closed.
   */
  close(): Promise<number | null>;
}

export interface PtyOptions {
  /** The child's environment beyond PATH and HOME. */
  env?: Record<string, string>;
  columns?: number;
  rows?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** Runs `argv` on a new pseudo-terminal. */
export function spawnPty(argv: readonly string[], options: PtyOptions = {}): PtyProcess {
  // A pty made by `script` from a pipe has no size (0×0), which readline cannot lay a line out in.
  const size = `stty cols ${options.columns ?? 100} rows ${options.rows ?? 40}`;
  // `exec`: the program itself is the terminal's foreground process, as when a person starts it.
  const command = `${size} && exec ${argv.map(shellQuote).join(' ')}`;
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', command, '/dev/null'], {
    env: childEnv(options.env ?? {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let cursor = 0;
  let exitCode: number | null | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  const onBytes = (data: Buffer): void => {
    raw += data.toString('utf8');
    notify();
  };
  child.stdout.on('data', onBytes);
  // `script` reports its own failures (not the child's output, which all comes through the pty) here.
  child.stderr.on('data', onBytes);
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      exitCode = code;
      notify();
      resolve(code);
    });
  });

  const output = (): string => terminalText(raw);

  return {
    write: (keys) => void child.stdin.write(keys),
    typeLine: (line) => void child.stdin.write(`${line}\r`),
    output,
    rawOutput: () => raw,
    pending: () => output().slice(cursor),
    exited,
    waitFor(pattern, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const search = new RegExp(pattern.source, pattern.flags.replace('g', ''));
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const text = output();
          const match = search.exec(text.slice(cursor));
          if (match !== null) {
            settle();
            const start = cursor + match.index;
            cursor = start + match[0].length;
            resolve(match);
          } else if (exitCode !== undefined) {
            settle();
            reject(new Error(`the program exited (${exitCode}) without printing ${String(pattern)}; after the cursor:\n${text.slice(cursor)}`));
          }
        };
        const timer = setTimeout(() => {
          settle();
          reject(new Error(`no ${String(pattern)} in the terminal after ${timeoutMs} ms; after the cursor:\n${output().slice(cursor)}`));
        }, timeoutMs);
        const settle = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async close() {
      if (exitCode === undefined) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** What a person would read: CSI/OSC escape sequences dropped, `\r\n` as `\n`, lone `\r` kept out. */
export function terminalText(raw: string): string {
  /* eslint-disable no-control-regex -- escape sequences are what is removed */
  return raw
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '')
    .replace(/\u001b[@-_]/g, '')
    .replace(/\r+\n/g, '\n')
    .replace(/\r/g, '');
  /* eslint-enable no-control-regex */
}

/** One argument as POSIX sh reads it literally. */
function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
