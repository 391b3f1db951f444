import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpTapBridge, type BridgeListen, type TappedRequest } from './http-tap-bridge.js';

const SANDBOX_SCRIPT = fileURLToPath(new URL('./loopback-sandbox.mjs', import.meta.url));

export interface SandboxedRunOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the command (nothing is inherited); gets the origin that reaches the target. */
  env(origin: string): Record<string, string>;
  /** The local TCP port (127.0.0.1) the command may reach, e.g. Auxot's. */
  targetPort: number;
  timeoutMs: number;
}

export interface SandboxedRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** False when network namespaces were not permitted and the command ran with the machine's network. */
  isolated: boolean;
  /** DNS names the command looked up (always empty when not isolated: nothing could see them). */
  dnsQueries: string[];
  /** The HTTP requests the command sent towards the target. */
  requests: TappedRequest[];
}

let isolationProbe: boolean | undefined;

/** Whether this machine lets us start a loopback-only network namespace (as root, or with user namespaces). */
export function canIsolateNetwork(): boolean {
  isolationProbe ??= spawnSync('unshare', ['-n', '-m', 'ip', 'link', 'set', 'lo', 'up']).status === 0;
  return isolationProbe;
}

/**
 * Runs a command that must reach one local port and nothing else. Isolated: inside `unshare -n -m`
 * with loopback only, where 127.0.0.1:<targetPort> is a bridge over a Unix socket to the real target
 * and DNS goes to a logging sink (see loopback-sandbox.mjs). Not isolated: through a TCP tap on a
 * free port. Either way every request the command sends is recorded.
 */
export async function runSandboxed(options: SandboxedRunOptions): Promise<SandboxedRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'auxot-sandbox-'));
  const isolated = canIsolateNetwork();
  const unixSocket = join(scratch, 'target.sock');
  const listen: BridgeListen = isolated ? { unixPath: unixSocket } : { port: 0, host: '127.0.0.1' };
  const bridge = await startHttpTapBridge(listen, options.targetPort);
  // Inside the namespace every port is free, so the command sees the target's own port number there.
  const port = isolated ? options.targetPort : bridge.port();
  const env = options.env(`http://127.0.0.1:${port}`);
  const dnsLog = join(scratch, 'dns.jsonl');
  const sandbox = { listenPort: port, unixSocket, dnsLog, resolvConf: join(scratch, 'resolv.conf') };
  const [command, args]: [string, string[]] = isolated
    ? ['unshare', ['-n', '-m', process.execPath, SANDBOX_SCRIPT, JSON.stringify({ ...sandbox, cwd: options.cwd, command: options.command, args: options.args })]]
    : [options.command, options.args];
  try {
    const result = await spawnCollecting(command, args, { cwd: options.cwd, env }, options.timeoutMs);
    const dnsQueries = existsSync(dnsLog) ? readDnsLog(dnsLog) : [];
    return { ...result, isolated, dnsQueries, requests: bridge.requests() };
  } finally {
    await bridge.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readDnsLog(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { name: string }).name);
}

type SpawnResult = Pick<SandboxedRun, 'exitCode' | 'signal' | 'timedOut' | 'stdout' | 'stderr' | 'durationMs'>;

function spawnCollecting(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
  timeoutMs: number,
): Promise<SpawnResult> {
  const started = performance.now();
  // Its own process group, so a timeout stops the sandbox, the command and anything it started, by one id.
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group ended between the timer firing and the kill: nothing left to stop.
    }
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}
