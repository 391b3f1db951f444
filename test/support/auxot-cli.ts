import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built program, as `npm test` leaves it in dist/. */
export const AUXOT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A child's environment: nothing inherited but PATH and HOME, plus what the test gives. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one `auxot …` command (the built program) to completion. */
export function runAuxot(args: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, [AUXOT_MAIN, ...args], {
    env: childEnv(env),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON log lines in a process's output (lines that are not JSON, like the owner-key banner, are skipped). */
export function logEntries(output: string): Array<Record<string, any>> {
  const entries: Array<Record<string, any>> = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      entries.push(JSON.parse(line));
    } catch {
      // a line cut in the middle of a read
    }
  }
  return entries;
}

/**
 * Runs one `auxot …` command without blocking this process: needed whenever the command talks to a
 * server running inside the test process (a mock upstream, an HTTP stub), which must keep answering.
 * `input`, when given, is piped to its standard input.
 */
export function runAuxotAsync(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AUXOT_MAIN, ...args], { env: childEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** The JSON log lines so far. */
  logs(): Array<Record<string, any>>;
  stop(): Promise<number | null>;
}

/** Starts `auxot serve` on a free port and waits until it listens. */
export function startAuxotServe(args: string[], env: Record<string, string>): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AUXOT_MAIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`auxot serve did not start:\n${output}`)), 20_000);
    const onData = (data: Buffer): void => {
      output += data.toString();
      const listening = logEntries(output).find((entry) => entry.msg === 'auxot listening');
      if (listening === undefined) return;
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.stdout.on('data', (more: Buffer) => (output += more.toString()));
      child.stderr.on('data', (more: Buffer) => (output += more.toString()));
      clearTimeout(timer);
      resolve({
        child,
        url: String(listening.url),
        output: () => output,
        logs: () => logEntries(output),
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`auxot serve exited (${code}):\n${output}`));
    });
  });
}
