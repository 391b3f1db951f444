#!/usr/bin/env node
// `node bench/profile.mjs [target]`: runs Auxot under `node --cpu-prof` with c=32 load on one
// target for a few seconds and prints the top frames by self time (and writes the .cpuprofile).
// Targets: same (OpenAI client → openai-compatible upstream), translate (Anthropic client →
// OpenAI-compatible upstream), stream (same, streaming). Placement as in `npm run bench`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const which = process.argv[2] ?? 'same';
const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
const ADMIN_KEY = 'axk_bench-owner-key-5e8b2d9f4a7c1e3b60';
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const children = [];
// The server's JSON start-up line that carries the port it listens on.
const LISTENING = /"url":"http:\/\/[\d.]+:(\d+)","msg":"auxot listening"/;

function start(cpu, args, pattern, env = {}) {
  return new Promise((resolve, reject) => {
    const command = hasTaskset ? 'taskset' : process.execPath;
    const full = hasTaskset ? ['-c', String(cpu), process.execPath, ...args] : args;
    const child = spawn(command, full, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let seen = '';
    const onData = (data) => {
      seen += data.toString();
      const match = pattern.exec(seen);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${seen}`)));
  });
}

const admin = async (base, method, path, body) => {
  const response = await fetch(base + path, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
};

const profileDir = mkdtempSync(join(tmpdir(), 'auxot-profile-'));
const dataDir = mkdtempSync(join(tmpdir(), 'auxot-profile-data-'));
try {
  const mock = await start(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockOrigin = `http://127.0.0.1:${mock.match[1]}`;
  const auxot = await start(0, ['--cpu-prof', '--cpu-prof-dir', profileDir, 'dist/main.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--log-format', 'json'], LISTENING, { AUXOT_ADMIN_KEY: ADMIN_KEY });
  const base = `http://127.0.0.1:${auxot.match[1]}`;
  await admin(base, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-oai'] });
  const chat = { model: 'bench-oai', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32, stream: which === 'stream' };
  const spec =
    which === 'translate'
      ? { url: `${base}/api/anthropic/v1/messages`, headers: { 'x-api-key': ADMIN_KEY, 'anthropic-version': '2023-06-01' }, body: { model: 'bench-oai', max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }] } }
      : { url: `${base}/api/openai/v1/chat/completions`, headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: chat };
  // Asynchronously: Auxot's log lines go to a pipe this process must keep draining.
  const load = spawn(process.execPath, [join(root, 'bench/load.mjs'), JSON.stringify({ ...spec, concurrency: 32, warmup: 2000, durationMs: seconds * 1000 })], { stdio: ['ignore', 'pipe', 'inherit'] });
  load.stdout.on('data', (data) => process.stderr.write(data));
  await new Promise((resolve) => load.once('exit', resolve));
  const exited = new Promise((resolve) => auxot.child.once('exit', resolve));
  auxot.child.kill('SIGTERM');
  await exited;
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const interval = (profile.endTime - profile.startTime) / profile.samples.length;
  for (const id of profile.samples) {
    const { callFrame } = byId.get(id);
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*\/(src|dist|node_modules)\//, '$1/')}:${callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + interval);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 30));
  for (const [key, micros] of top) console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  console.log(`profile: ${join(profileDir, file)}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
