import { spawn, type ChildProcess } from 'node:child_process';
import { AUXOT_MAIN, childEnv, logEntries } from './auxot-cli.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker printed so far. */
  output(): string;
  /** Resolves when the worker's output matches `pattern` (rejects after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the first JSON log line `matches` accepts (rejects after timeoutMs). */
  waitForLog(matches: (entry: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** The JSON log lines so far. */
  logs(): Array<Record<string, any>>;
  /** SIGKILL: the worker dies without a goodbye, as a crashed machine would. */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the worker exits on its own. */
  exited(): Promise<number | null>;
}

/**
 * Runs the real `auxot worker …` program (the compiled dist/, as `npm test` builds it) and waits
 * until it has connected to the server.
 */
export async function startWorkerProcess(args: string[], env: Record<string, string>, waitForConnected = true): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [AUXOT_MAIN, 'worker', ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (data: Buffer): void => {
    output += data.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (matches: (entry: Record<string, any>) => boolean, timeoutMs = 15_000): Promise<Record<string, any>> =>
    new Promise((resolve, reject) => {
      const found = (): Record<string, any> | undefined => logEntries(output).find(matches);
      const check = (): void => {
        const entry = found();
        if (entry === undefined) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(entry);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`worker did not log the expected line within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then((code) => {
        if (found() === undefined) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`worker exited (${code}) before logging the expected line; output:\n${output}`));
        }
      });
      check();
    });
  const waitFor = (pattern: RegExp, timeoutMs = 15_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(output)) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`worker did not print ${pattern} within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then((code) => {
        if (!pattern.test(output)) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`worker exited (${code}) before printing ${pattern}; output:\n${output}`));
        }
      });
      check();
    });
  const worker: WorkerProcess = {
    child,
    output: () => output,
    waitFor,
    waitForLog,
    logs: () => logEntries(output),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    exited: () => exited,
  };
  // A worker checks its key and loads its engine before it connects; a llama.cpp model load on a
  // loaded 2-core machine can take far longer than a socket handshake.
  if (waitForConnected) await waitForLog((entry) => entry.msg === 'connected', 120_000);
  return worker;
}
