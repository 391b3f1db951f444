#!/usr/bin/env node
// `node bench/profile.mjs [target]`: runs Auxot under `node --cpu-prof` with c=32 load on one
// target for a few seconds and prints the top frames by self time (and writes the .cpuprofile).
// Targets: same (OpenAI client → openai-compatible upstream), translate (Anthropic client →
// OpenAI-compatible upstream), stream (same, streaming), long (one stream of 10,000 events after
// another), to-anthropic (OpenAI client → Anthropic upstream), long-translate (the same long stream, Anthropic client → OpenAI upstream), governed (same, with a team key whose policy has every rule on). Placement as in `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, ADMIN_KEY, BENCH_TEAM_POLICY, root, startAndWait, startAuxot, stopAll } from './processes.mjs';

const which = process.argv[2] ?? 'same';
const seconds = Number(process.env.PROFILE_SECONDS ?? 8);

const profileDir = mkdtempSync(join(tmpdir(), 'auxot-profile-'));
const dataDir = mkdtempSync(join(tmpdir(), 'auxot-profile-data-'));
try {
  const mock = await startAndWait(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockOrigin = `http://127.0.0.1:${mock.match[1]}`;
  const auxot = await startAuxot(dataDir, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] });
  const { base } = auxot;
  await admin(base, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-oai', 'bench-oai-long'] });
  await admin(base, 'POST', '/api/admin/providers', { name: 'ant', kind: 'anthropic', baseUrl: mockOrigin, apiKey: 'sk-ant-bench', models: ['bench-ant'] });
  let key = ADMIN_KEY;
  if (which === 'governed') {
    await admin(base, 'POST', '/api/admin/teams', { name: 'bench-team', policy: BENCH_TEAM_POLICY });
    await admin(base, 'POST', '/api/admin/service-accounts', { team: 'bench-team', name: 'bench-service' });
    key = (await admin(base, 'POST', '/api/admin/keys', { name: 'governed', serviceAccount: 'bench-team/bench-service' })).key;
  }
  const chat = { model: which === 'long' ? 'bench-oai-long' : which === 'to-anthropic' ? 'bench-ant' : 'bench-oai', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32, stream: which === 'stream' || which === 'long' };
  const spec =
    which === 'translate' || which === 'long-translate'
      ? {
          url: `${base}/api/anthropic/v1/messages`,
          headers: { 'x-api-key': ADMIN_KEY, 'anthropic-version': '2023-06-01' },
          body: { model: which === 'long-translate' ? 'bench-oai-long' : 'bench-oai', max_tokens: 32, stream: which === 'long-translate', messages: [{ role: 'user', content: 'Say hello.' }] },
          stream: which === 'long-translate',
        }
      : { url: `${base}/api/openai/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, body: chat, stream: chat.stream };
  const shape = which === 'long' || which === 'long-translate' ? { concurrency: 1, warmup: 3 } : { concurrency: Number(process.env.PROFILE_CONCURRENCY ?? 32), warmup: 2000 };
  // Asynchronously: Auxot's log lines go to a pipe this process must keep draining.
  const load = spawn(process.execPath, [join(root, 'bench/load.mjs'), JSON.stringify({ ...spec, ...shape, durationMs: seconds * 1000 })], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
