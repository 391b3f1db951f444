// Process handling shared by `npm run bench` and `bench/profile.mjs`: CPU-pinned children, waiting
// for a start-up line, RSS, admin calls and the load generator.
//
// Placement on the 2 cores (taskset): the proxy under test on CPU 0; the mock upstream, the load
// generator and the GPU worker on CPU 1.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const ADMIN_KEY = 'axk_bench-owner-key-5e8b2d9f4a7c1e3b60';
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
/** The server's JSON start-up line that carries the port it listens on. */
export const LISTENING = /"url":"http:\/\/[\d.]+:(\d+)","msg":"auxot listening"/;

const children = [];

export function pinned(cpu, command, args, options = {}) {
  const child = hasTaskset ? spawn('taskset', ['-c', String(cpu), command, ...args], options) : spawn(command, args, options);
  children.push(child);
  return child;
}

/**
 * Starts a node process pinned to `cpu` and resolves with the first output matching `pattern`.
 * Its output keeps being drained afterwards: a child blocked on a full pipe would stall.
 */
export function startAndWait(cpu, args, pattern, env = {}) {
  return new Promise((resolve, reject) => {
    const child = pinned(cpu, process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    let matched = false;
    const onData = (data) => {
      if (matched) return;
      seen += data.toString();
      const match = pattern.exec(seen);
      if (match) {
        matched = true;
        resolve({ child, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${seen}`)));
  });
}

/** Every rule of a team policy on, none of them binding: what governance costs when it admits. */
export const BENCH_TEAM_POLICY = {
  allowedTiers: ['gpu', 'cli', 'cloud'],
  approvedModels: ['bench-*'],
  requestsPerMinute: 1_000_000_000,
  tokensPerMinute: 1_000_000_000_000,
  concurrency: 100_000,
  maxOutputTokens: 4096,
  monthlyBudgetUsd: 1_000_000_000,
  budgetAlertAt: 0.9,
};

/**
 * Starts `auxot serve` on CPU 0 with the bench owner key; resolves with the child and its base URL.
 * `entry` is the build to run (another build's `dist/main.js` for an A/B).
 */
export async function startAuxot(dataDir, { nodeArgs = [], env = {}, entry = 'dist/main.js' } = {}) {
  const { child, match } = await startAndWait(
    0,
    [...nodeArgs, entry, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--log-format', 'json'],
    LISTENING,
    {
      AUXOT_ADMIN_KEY: ADMIN_KEY,
      AUXOT_BREAKER_FAILURES: '1000000000',
      AUXOT_QUEUE_MAX_WAIT_MS: '60000',
      ...env,
    },
  );
  return { child, base: `http://127.0.0.1:${match[1]}` };
}

export function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/**
 * The lowest RSS over `windowMs` of idleness. V8 keeps the young generation it grew under a burst of
 * allocation (start-up, a load) until its memory reducer runs. The reducer looks every 8 s and
 * acts only once it judges the heap idle: in three checks of one build the drop came 15.5 s,
 * 23.3 s and 23.3 s into the wait, so a 20 s window missed it in two. 40 s covers its third look.
 */
export async function settledRssMb(pid, windowMs = 40_000) {
  let lowest = rssMb(pid);
  for (let waited = 0; waited < windowMs; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    lowest = Math.min(lowest, rssMb(pid));
  }
  return lowest;
}

export async function admin(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** One run of bench/load.mjs on CPU 1; resolves with its JSON result line. */
export function load(spec) {
  return new Promise((resolve, reject) => {
    const child = pinned(1, process.execPath, [join(root, 'bench/load.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load exited ${code}`))));
  });
}
