#!/usr/bin/env node
// `npm run bench`: Auxot's overhead measured side by side, in one run, against a local mock
// upstream. Every target is measured the same way by a separate load process; each figure is the
// median of several rounds, and Auxot is judged against a bare node:http + undici forwarder.
//
// Process placement on the 2 cores (taskset): the proxy under test on CPU 0; the mock upstream,
// the load generator and the GPU worker on CPU 1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ADMIN_KEY = 'axk_bench-owner-key-5e8b2d9f4a7c1e3b60';
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const children = [];
// The server's JSON start-up line that carries the port it listens on.
const LISTENING = /"url":"http:\/\/[\d.]+:(\d+)","msg":"auxot listening"/;

function pinned(cpu, command, args, options = {}) {
  const child = hasTaskset ? spawn('taskset', ['-c', String(cpu), command, ...args], options) : spawn(command, args, options);
  children.push(child);
  return child;
}

/** Starts a process and resolves with the first stdout/stderr line matching `pattern`. */
function startAndWait(cpu, args, pattern, env = {}) {
  return new Promise((resolve, reject) => {
    const child = pinned(cpu, process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

function load(spec) {
  return new Promise((resolve, reject) => {
    const child = pinned(1, process.execPath, [join(root, 'bench/load.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load exited ${code}`))));
  });
}

async function admin(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const chat = (model, stream = false) => ({ model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32, stream });
// Stateless, as Codex sends it (store:false): nothing is kept per request.
const responses = (model, stream = false) => ({ model, input: 'Say hello.', max_output_tokens: 32, stream, store: false });

async function main() {
  if (!existsSync(join(root, 'dist/main.js'))) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'auxot-bench-'));
  const mock = await startAndWait(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockPort = Number(mock.match[1]);
  const mockOrigin = `http://127.0.0.1:${mockPort}`;
  const bare = await startAndWait(0, ['bench/bare-proxy.mjs', '0', mockOrigin], /ready (\d+)/);
  const barePort = Number(bare.match[1]);
  const auxot = await startAndWait(0, ['dist/main.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--log-format', 'json'], LISTENING, {
    AUXOT_ADMIN_KEY: ADMIN_KEY,
    AUXOT_BREAKER_FAILURES: '1000000000',
    AUXOT_QUEUE_MAX_WAIT_MS: '60000',
  });
  const auxotBase = `http://127.0.0.1:${auxot.match[1]}`;

  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-oai'] });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'ant', kind: 'anthropic', baseUrl: mockOrigin, apiKey: 'sk-bench', models: ['bench-ant'] });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'openai', kind: 'openai', baseUrl: `${mockOrigin}/v1`, apiKey: 'sk-bench', models: ['bench-openai'] });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'gpu', kind: 'gpu-worker', models: ['bench-gpu'] });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'cli', kind: 'cli-worker', models: ['bench-cli'] });
  await admin(auxotBase, 'PUT', '/api/admin/routes/tiered', { candidates: [{ provider: 'gpu', model: 'bench-gpu' }, { provider: 'cli', model: 'bench-cli' }, { provider: 'oai', model: 'bench-oai' }] });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'dead', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['bench-dead'] });
  await admin(auxotBase, 'PUT', '/api/admin/routes/failover', { candidates: [{ provider: 'dead', model: 'bench-oai' }, { provider: 'oai', model: 'bench-oai' }] });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'slow', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-slow'], settings: { maxConcurrency: 2 } });
  await admin(auxotBase, 'POST', '/api/admin/providers', { name: 'rack', kind: 'gpu-worker', models: ['bench-rack'] });
  const workerKey = (await admin(auxotBase, 'POST', '/api/admin/worker-keys', { provider: 'rack', name: 'bench-worker' })).key;
  const batchKey = (await admin(auxotBase, 'POST', '/api/admin/keys', { name: 'batch', serviceClass: 'batch' })).key;
  await startAndWait(1, ['dist/main.js', 'worker', 'gpu', '--server', auxotBase, '--upstream', `${mockOrigin}/v1`, '--models', 'bench-rack', '--slots', '64', '--name', 'bench-rack'], /connected/, {
    AUXOT_WORKER_KEY: workerKey,
  });

  await new Promise((resolve) => setTimeout(resolve, 500));
  const idleRss = rssMb(auxot.child.pid);
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  // `group` names the surface: each target is compared with the direct call and bare proxy of its own group.
  const targets = [
    { name: 'direct (no proxy)', url: `${mockOrigin}/v1/chat/completions`, model: 'bench-oai', headers: {}, group: 'chat', body: chat },
    { name: 'bare proxy (baseline)', url: `http://127.0.0.1:${barePort}/v1/chat/completions`, model: 'bench-oai', headers: {}, group: 'chat', body: chat },
    { name: 'auxot same-dialect', url: `${auxotBase}/api/openai/v1/chat/completions`, model: 'bench-oai', headers: auth, group: 'chat', body: chat },
    { name: 'auxot translating', url: `${auxotBase}/api/openai/v1/chat/completions`, model: 'bench-ant', headers: auth, group: 'chat', body: chat },
    { name: 'auxot 3-tier route', url: `${auxotBase}/api/openai/v1/chat/completions`, model: 'tiered', headers: auth, group: 'chat', body: chat },
    { name: 'auxot failover', url: `${auxotBase}/api/openai/v1/chat/completions`, model: 'failover', headers: auth, group: 'chat', body: chat },
    { name: 'auxot via gpu worker', url: `${auxotBase}/api/openai/v1/chat/completions`, model: 'bench-rack', headers: auth, group: 'chat', body: chat },
    { name: 'responses direct', url: `${mockOrigin}/v1/responses`, model: 'bench-openai', headers: {}, group: 'responses', body: responses },
    { name: 'responses bare proxy', url: `http://127.0.0.1:${barePort}/v1/responses`, model: 'bench-openai', headers: {}, group: 'responses', body: responses },
    { name: 'auxot responses same', url: `${auxotBase}/api/openai/v1/responses`, model: 'bench-openai', headers: auth, group: 'responses', body: responses },
    { name: 'auxot responses→chat', url: `${auxotBase}/api/openai/v1/responses`, model: 'bench-oai', headers: auth, group: 'responses', body: responses },
  ];
  const baselines = { chat: { direct: 'direct (no proxy)', bare: 'bare proxy (baseline)' }, responses: { direct: 'responses direct', bare: 'responses bare proxy' } };
  const results = Object.fromEntries(targets.map((target) => [target.name, { p50: [], p99: [], rps: [], ttfb: [] }]));
  // Warm every path once so the JIT has settled before anything is measured.
  for (const target of targets) {
    await load({ url: target.url, headers: target.headers, body: target.body(target.model), concurrency: 8, warmup: 0, requests: 3000 });
    await load({ url: target.url, headers: target.headers, body: target.body(target.model, true), concurrency: 4, warmup: 0, requests: 500 });
  }
  const queue = { interactive: [], batch: [], interactiveP95: [], batchP95: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`round ${round}/${ROUNDS}\n`);
    for (const target of targets) {
      const latency = await load({ url: target.url, headers: target.headers, body: target.body(target.model), concurrency: 1, warmup: 300, requests: 2000 });
      const throughput = await load({ url: target.url, headers: target.headers, body: target.body(target.model), concurrency: 32, warmup: 500, durationMs: 3000 });
      const streaming = await load({ url: target.url, headers: target.headers, body: target.body(target.model, true), concurrency: 1, warmup: 100, requests: 500, stream: true });
      if (latency.errors + throughput.errors + streaming.errors > 0) throw new Error(`${target.name}: errors during load`);
      const entry = results[target.name];
      entry.p50.push(latency.p50);
      entry.p99.push(latency.p99);
      entry.rps.push(throughput.requestsPerSecond);
      entry.ttfb.push(streaming.firstByteP50);
    }
    const url = `${auxotBase}/api/openai/v1/chat/completions`;
    const [interactive, batch] = await Promise.all([
      load({ url, headers: auth, body: chat('bench-slow'), concurrency: 8, warmup: 0, durationMs: 3000, headerToRecord: 'x-auxot-queue-ms' }),
      load({ url, headers: { authorization: `Bearer ${batchKey}` }, body: chat('bench-slow'), concurrency: 8, warmup: 0, durationMs: 3000, headerToRecord: 'x-auxot-queue-ms' }),
    ]);
    queue.interactive.push(interactive.recordedP50);
    queue.interactiveP95.push(interactive.recordedP95);
    queue.batch.push(batch.recordedP50);
    queue.batchP95.push(batch.recordedP95);
  }
  const loadedRss = rssMb(auxot.child.pid);

  const summary = {};
  for (const [name, entry] of Object.entries(results)) {
    summary[name] = { p50: median(entry.p50), p99: median(entry.p99), rps: median(entry.rps), ttfb: median(entry.ttfb) };
  }
  // Throughput on a shared 2-core machine drifts from round to round, so each target is compared
  // with the bare proxy of the same round, and the median of those per-round ratios is reported.
  const groupOf = Object.fromEntries(targets.map((target) => [target.name, target.group]));
  for (const [name, entry] of Object.entries(results)) {
    const bareRounds = results[baselines[groupOf[name]].bare].rps;
    summary[name].rpsRatio = median(entry.rps.map((rps, round) => rps / bareRounds[round]));
    summary[name].rpsRange = [Math.min(...entry.rps), Math.max(...entry.rps)];
  }
  const rows = Object.entries(summary).map(([name, s]) => {
    const base = summary[baselines[groupOf[name]].bare];
    const direct = summary[baselines[groupOf[name]].direct];
    return [
      name.padEnd(24),
      s.p50.toFixed(3).padStart(8),
      s.p99.toFixed(3).padStart(8),
      (s.p50 - direct.p50).toFixed(3).padStart(10),
      (s.p50 - base.p50).toFixed(3).padStart(12),
      s.rps.toFixed(0).padStart(8),
      `${(s.rpsRatio * 100).toFixed(0)}%`.padStart(9),
      (s.ttfb - direct.ttfb).toFixed(3).padStart(11),
      `${s.rpsRange[0].toFixed(0)}–${s.rpsRange[1].toFixed(0)}`.padStart(13),
    ].join(' ');
  });
  const lines = [
    `Auxot bench — ${new Date().toISOString()} — node ${process.version}, ${ROUNDS} rounds (medians), taskset ${hasTaskset ? 'on' : 'off'}`,
    'latency at c=1 (ms), throughput at c=32 (closed loop), streaming time to first byte at c=1',
    'responses rows: POST /v1/responses (store:false), compared with the direct call and bare proxy of that same surface',
    `${'target'.padEnd(24)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'+p50 vs'.padStart(10)} ${'+p50 vs'.padStart(12)} ${'req/s'.padStart(8)} ${'vs bare'.padStart(9)} ${'+TTFB vs'.padStart(11)} ${'req/s range'.padStart(13)}`,
    `${''.padEnd(24)} ${''.padStart(8)} ${''.padStart(8)} ${'direct'.padStart(10)} ${'bare proxy'.padStart(12)} ${'c=32'.padStart(8)} ${'(rounds)'.padStart(9)} ${'direct'.padStart(11)} ${'(rounds)'.padStart(13)}`,
    ...rows,
    '',
    `routing overhead, 3 tiers configured (GPU and CLI down, cloud serves): ${(summary['auxot 3-tier route'].p50 - summary['auxot same-dialect'].p50).toFixed(3)} ms at p50 over a single-provider route`,
    `failover before first byte (first provider refuses the connection): ${(summary['auxot failover'].p50 - summary['auxot same-dialect'].p50).toFixed(3)} ms at p50 over a direct route, failed attempt included`,
    `queue wait under saturation (2 slots, 20 ms answers, 8 interactive + 8 batch callers): interactive p50 ${median(queue.interactive).toFixed(1)} ms / p95 ${median(queue.interactiveP95).toFixed(1)} ms; batch p50 ${median(queue.batch).toFixed(1)} ms / p95 ${median(queue.batchP95).toFixed(1)} ms`,
    `auxot RSS: idle ${idleRss.toFixed(1)} MB, after load ${loadedRss.toFixed(1)} MB`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/latest.json'), JSON.stringify({ summary, samples: results, queue, idleRss, loadedRss, rounds: ROUNDS }, null, 2));
  rmSync(dataDir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
}
