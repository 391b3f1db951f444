import { spawn, type ChildProcess } from 'node:child_process';
import { AUXOT_MAIN, childEnv } from './auxot-cli.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker printed so far. */
  output(): string;
  /** Resolves when the worker's output matches `pattern` (rejects after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILL: the worker dies without a goodbye, as a crashed machine would. */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
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
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
  if (waitForConnected) await waitFor(/\bconnected\b/);
  return worker;
}
