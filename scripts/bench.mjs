#!/usr/bin/env node
// `npm run bench`: Auxot's overhead measured side by side, in one run, against a local mock
// upstream. Every target is measured the same way by a separate load process; each figure is the
// median of several rounds, and each Auxot target is judged against the bare node:http + undici
// forwarder of its own surface measured in the same round (throughput drifts between rounds on a
// shared 2-core machine; a ratio within one round does not).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, ADMIN_KEY, BENCH_TEAM_POLICY, hasTaskset, load, root, rssMb, settledRssMb, startAndWait, startAuxot, stopAll } from '../bench/processes.mjs';
import { BENCH_TARGETS, checkTargets } from '../bench/targets.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LONG_STREAM_EVENTS = 10_000;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const chat = (model, stream = false) => ({ model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32, stream });
const messages = (model, stream = false) => ({ model, max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }], stream });
// Stateless, as Codex sends it (store:false): nothing is kept per request.
const responses = (model, stream = false) => ({ model, input: 'Say hello.', max_output_tokens: 32, stream, store: false });

/** Providers, routes and keys of the bench; returns the keys the targets use. */
async function configure(base, mockOrigin) {
  await admin(base, 'POST', '/api/admin/providers', {
    name: 'oai',
    kind: 'openai-compatible',
    baseUrl: `${mockOrigin}/v1`,
    models: ['bench-oai', 'bench-oai-long', 'bench-oai-agent'],
  });
  await admin(base, 'PUT', '/api/admin/skills/bench-skill', { scope: 'org', description: 'A skill to load', body: 'Answer briefly.' });
  await admin(base, 'PUT', '/api/admin/agents/bench-agent', { personality: 'You are brief.', skills: ['bench-skill'], model: 'bench-oai-agent', maxSteps: 4 });
  await admin(base, 'POST', '/api/admin/providers', {
    name: 'ant',
    kind: 'anthropic',
    baseUrl: mockOrigin,
    apiKey: 'sk-bench',
    models: ['bench-ant', 'bench-ant-long'],
  });
  await admin(base, 'POST', '/api/admin/providers', {
    name: 'openai',
    kind: 'openai',
    baseUrl: `${mockOrigin}/v1`,
    apiKey: 'sk-bench',
    models: ['bench-openai'],
  });
  await admin(base, 'POST', '/api/admin/providers', { name: 'gpu', kind: 'gpu-worker', models: ['bench-gpu'] });
  await admin(base, 'POST', '/api/admin/providers', { name: 'cli', kind: 'cli-worker', models: ['bench-cli'] });
  await admin(base, 'PUT', '/api/admin/routes/tiered', {
    candidates: [
      { provider: 'gpu', model: 'bench-gpu' },
      { provider: 'cli', model: 'bench-cli' },
      { provider: 'oai', model: 'bench-oai' },
    ],
  });
  await admin(base, 'POST', '/api/admin/providers', { name: 'dead', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['bench-dead'] });
  await admin(base, 'PUT', '/api/admin/routes/failover', {
    candidates: [
      { provider: 'dead', model: 'bench-oai' },
      { provider: 'oai', model: 'bench-oai' },
    ],
  });
  await admin(base, 'POST', '/api/admin/providers', {
    name: 'slow',
    kind: 'openai-compatible',
    baseUrl: `${mockOrigin}/v1`,
    models: ['bench-slow'],
    settings: { maxConcurrency: 2 },
  });
  await admin(base, 'POST', '/api/admin/providers', { name: 'rack', kind: 'gpu-worker', models: ['bench-rack'] });
  const workerKey = (await admin(base, 'POST', '/api/admin/worker-keys', { provider: 'rack', name: 'bench-worker' })).key;
  const batchKey = (await admin(base, 'POST', '/api/admin/keys', { name: 'batch', serviceClass: 'batch' })).key;
  await admin(base, 'POST', '/api/admin/teams', { name: 'bench-team', policy: BENCH_TEAM_POLICY });
  await admin(base, 'POST', '/api/admin/service-accounts', { team: 'bench-team', name: 'bench-service' });
  const governedKey = (await admin(base, 'POST', '/api/admin/keys', { name: 'governed', serviceAccount: 'bench-team/bench-service' })).key;
  return { workerKey, batchKey, governedKey };
}

async function main() {
  if (!existsSync(join(root, 'dist/main.js'))) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'auxot-bench-'));
  const mock = await startAndWait(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockOrigin = `http://127.0.0.1:${mock.match[1]}`;
  const bare = await startAndWait(0, ['bench/bare-proxy.mjs', '0', mockOrigin], /ready (\d+)/);
  const bareOrigin = `http://127.0.0.1:${bare.match[1]}`;
  const auxot = await startAuxot(dataDir);
  const { workerKey, batchKey, governedKey } = await configure(auxot.base, mockOrigin);
  await startAndWait(
    1,
    [
      'dist/main.js',
      'worker',
      'gpu',
      '--server',
      auxot.base,
      '--upstream',
      `${mockOrigin}/v1`,
      '--models',
      'bench-rack',
      '--slots',
      '64',
      '--name',
      'bench-rack',
    ],
    /connected/,
    {
      AUXOT_WORKER_KEY: workerKey,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const startupRss = rssMb(auxot.child.pid);
  const idleRss = await settledRssMb(auxot.child.pid);

  const openai = { authorization: `Bearer ${ADMIN_KEY}` };
  const governed = { authorization: `Bearer ${governedKey}` };
  const anthropic = { 'x-api-key': ADMIN_KEY, 'anthropic-version': '2023-06-01' };
  const chatUrl = `${auxot.base}/api/openai/v1/chat/completions`;
  const messagesUrl = `${auxot.base}/api/anthropic/v1/messages`;
  // `group` names the surface: each target is compared with the direct call and bare proxy of its own group.
  const targets = [
    { name: 'direct (no proxy)', url: `${mockOrigin}/v1/chat/completions`, model: 'bench-oai', headers: {}, group: 'chat', body: chat },
    { name: 'bare proxy (baseline)', url: `${bareOrigin}/v1/chat/completions`, model: 'bench-oai', headers: {}, group: 'chat', body: chat },
    { name: 'auxot same-dialect', url: chatUrl, model: 'bench-oai', headers: openai, group: 'chat', body: chat },
    { name: 'auxot governed', url: chatUrl, model: 'bench-oai', headers: governed, group: 'chat', body: chat },
    { name: 'auxot openai→anthropic', url: chatUrl, model: 'bench-ant', headers: openai, group: 'chat', body: chat },
    { name: 'auxot 3-tier route', url: chatUrl, model: 'tiered', headers: openai, group: 'chat', body: chat },
    { name: 'auxot failover', url: chatUrl, model: 'failover', headers: openai, group: 'chat', body: chat },
    { name: 'auxot via gpu worker', url: chatUrl, model: 'bench-rack', headers: openai, group: 'chat', body: chat },
    { name: 'messages direct', url: `${mockOrigin}/v1/messages`, model: 'bench-ant', headers: {}, group: 'messages', body: messages },
    { name: 'messages bare proxy', url: `${bareOrigin}/v1/messages`, model: 'bench-ant', headers: {}, group: 'messages', body: messages },
    { name: 'auxot messages same', url: messagesUrl, model: 'bench-ant', headers: anthropic, group: 'messages', body: messages },
    { name: 'auxot anthropic→openai', url: messagesUrl, model: 'bench-oai', headers: anthropic, group: 'messages', body: messages },
    { name: 'responses direct', url: `${mockOrigin}/v1/responses`, model: 'bench-openai', headers: {}, group: 'responses', body: responses },
    { name: 'responses bare proxy', url: `${bareOrigin}/v1/responses`, model: 'bench-openai', headers: {}, group: 'responses', body: responses },
    { name: 'auxot responses same', url: `${auxot.base}/api/openai/v1/responses`, model: 'bench-openai', headers: openai, group: 'responses', body: responses },
    { name: 'auxot responses→chat', url: `${auxot.base}/api/openai/v1/responses`, model: 'bench-oai', headers: openai, group: 'responses', body: responses },
  ];
  const baselines = {
    chat: { direct: 'direct (no proxy)', bare: 'bare proxy (baseline)' },
    messages: { direct: 'messages direct', bare: 'messages bare proxy' },
    responses: { direct: 'responses direct', bare: 'responses bare proxy' },
  };
  // Throughput at c=128 and one long stream, each against the bare proxy of the same round.
  const wide = [
    { name: 'bare proxy', url: `${bareOrigin}/v1/chat/completions`, headers: {} },
    { name: 'auxot same-dialect', url: chatUrl, headers: openai },
  ];
  const longStreams = [
    { name: 'direct', url: `${mockOrigin}/v1/chat/completions`, headers: {}, body: chat('bench-oai-long', true) },
    { name: 'bare proxy', url: `${bareOrigin}/v1/chat/completions`, headers: {}, body: chat('bench-oai-long', true) },
    { name: 'auxot same-dialect', url: chatUrl, headers: openai, body: chat('bench-oai-long', true) },
    { name: 'auxot openai→anthropic', url: chatUrl, headers: openai, body: chat('bench-ant-long', true) },
  ];

  const results = Object.fromEntries(targets.map((target) => [target.name, { p50: [], p99: [], rps: [], ttfb: [] }]));
  const wideResults = Object.fromEntries(wide.map((target) => [target.name, []]));
  const longResults = Object.fromEntries(longStreams.map((target) => [target.name, { ms: [], ttfb: [] }]));
  // Warm every path once so the JIT has settled before anything is measured.
  for (const target of targets) {
    await load({ url: target.url, headers: target.headers, body: target.body(target.model), concurrency: 8, warmup: 0, requests: 3000 });
    await load({ url: target.url, headers: target.headers, body: target.body(target.model, true), concurrency: 4, warmup: 0, requests: 500 });
  }
  for (const target of longStreams)
    await load({ url: target.url, headers: target.headers, body: target.body, concurrency: 1, warmup: 0, requests: 5, stream: true });
  const queue = { interactive: [], batch: [], interactiveP95: [], batchP95: [] };
  // The agent loop: one run is 2 model calls and 1 tool call (load_skill); one direct call of the
  // same model is 1 model call. What the loop adds per step is the run minus two direct calls, halved.
  const agentRuns = { direct: [], run: [] };
  const agentTargets = {
    direct: { url: chatUrl, headers: openai, body: chat('bench-oai-agent') },
    run: { url: chatUrl, headers: openai, body: chat('agent:bench-agent') },
  };
  for (const target of Object.values(agentTargets)) await load({ ...target, concurrency: 1, warmup: 0, requests: 500 });
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`round ${round}/${ROUNDS}\n`);
    for (const target of targets) {
      const latency = await load({ url: target.url, headers: target.headers, body: target.body(target.model), concurrency: 1, warmup: 300, requests: 2000 });
      const throughput = await load({
        url: target.url,
        headers: target.headers,
        body: target.body(target.model),
        concurrency: 32,
        warmup: 500,
        durationMs: 3000,
      });
      const streaming = await load({
        url: target.url,
        headers: target.headers,
        body: target.body(target.model, true),
        concurrency: 1,
        warmup: 100,
        requests: 500,
        stream: true,
      });
      if (latency.errors + throughput.errors + streaming.errors > 0) throw new Error(`${target.name}: errors during load`);
      const entry = results[target.name];
      entry.p50.push(latency.p50);
      entry.p99.push(latency.p99);
      entry.rps.push(throughput.requestsPerSecond);
      entry.ttfb.push(streaming.firstByteP50);
    }
    for (const target of wide) {
      const throughput = await load({ url: target.url, headers: target.headers, body: chat('bench-oai'), concurrency: 128, warmup: 1000, durationMs: 3000 });
      if (throughput.errors > 0) throw new Error(`${target.name} at c=128: errors during load`);
      wideResults[target.name].push(throughput.requestsPerSecond);
    }
    for (const target of longStreams) {
      const stream = await load({ url: target.url, headers: target.headers, body: target.body, concurrency: 1, warmup: 1, requests: 9, stream: true });
      if (stream.errors > 0) throw new Error(`${target.name} long stream: errors`);
      longResults[target.name].ms.push(stream.p50);
      longResults[target.name].ttfb.push(stream.firstByteP50);
    }
    for (const [name, target] of Object.entries(agentTargets)) {
      const measured = await load({ ...target, concurrency: 1, warmup: 100, requests: 1000 });
      if (measured.errors > 0) throw new Error(`agent loop (${name}): errors during load`);
      agentRuns[name].push(measured.p50);
    }
    const [interactive, batch] = await Promise.all([
      load({ url: chatUrl, headers: openai, body: chat('bench-slow'), concurrency: 8, warmup: 0, durationMs: 3000, headerToRecord: 'x-auxot-queue-ms' }),
      load({
        url: chatUrl,
        headers: { authorization: `Bearer ${batchKey}` },
        body: chat('bench-slow'),
        concurrency: 8,
        warmup: 0,
        durationMs: 3000,
        headerToRecord: 'x-auxot-queue-ms',
      }),
    ]);
    queue.interactive.push(interactive.recordedP50);
    queue.interactiveP95.push(interactive.recordedP95);
    queue.batch.push(batch.recordedP50);
    queue.batchP95.push(batch.recordedP95);
  }
  const loadedRss = rssMb(auxot.child.pid);
  const loadedSettledRss = await settledRssMb(auxot.child.pid);

  const groupOf = Object.fromEntries(targets.map((target) => [target.name, target.group]));
  const summary = {};
  for (const [name, entry] of Object.entries(results)) {
    const bareRounds = results[baselines[groupOf[name]].bare].rps;
    summary[name] = {
      p50: median(entry.p50),
      p99: median(entry.p99),
      rps: median(entry.rps),
      ttfb: median(entry.ttfb),
      rpsRatio: median(entry.rps.map((rps, round) => rps / bareRounds[round])),
      rpsRange: [Math.min(...entry.rps), Math.max(...entry.rps)],
    };
  }
  const wideSummary = Object.fromEntries(
    Object.entries(wideResults).map(([name, rounds]) => [
      name,
      { rps: median(rounds), rpsRatio: median(rounds.map((rps, round) => rps / wideResults['bare proxy'][round])) },
    ]),
  );
  const longSummary = Object.fromEntries(
    Object.entries(longResults).map(([name, entry]) => [
      name,
      {
        eventsPerSecond: LONG_STREAM_EVENTS / (median(entry.ms) / 1000),
        ratio: median(entry.ms.map((ms, round) => longResults['bare proxy'].ms[round] / ms)),
        ttfb: median(entry.ttfb),
      },
    ]),
  );

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
  const report = {
    summary,
    wide: wideSummary,
    longStream: longSummary,
    queue: {
      interactiveP50: median(queue.interactive),
      interactiveP95: median(queue.interactiveP95),
      batchP50: median(queue.batch),
      batchP95: median(queue.batchP95),
    },
    startupRss,
    idleRss,
    loadedRss,
    loadedSettledRss,
    agentLoop: {
      directP50: median(agentRuns.direct),
      runP50: median(agentRuns.run),
      perStep: median(agentRuns.run.map((run, round) => (run - 2 * agentRuns.direct[round]) / 2)),
    },
  };
  const lines = [
    `Auxot bench — ${new Date().toISOString()} — node ${process.version}, ${ROUNDS} rounds (medians), taskset ${hasTaskset ? 'on' : 'off'}`,
    'latency at c=1 (ms), throughput at c=32 (closed loop), streaming time to first byte at c=1; each group against its own surface',
    `${'target'.padEnd(24)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'+p50 vs'.padStart(10)} ${'+p50 vs'.padStart(12)} ${'req/s'.padStart(8)} ${'vs bare'.padStart(9)} ${'+TTFB vs'.padStart(11)} ${'req/s range'.padStart(13)}`,
    `${''.padEnd(24)} ${''.padStart(8)} ${''.padStart(8)} ${'direct'.padStart(10)} ${'bare proxy'.padStart(12)} ${'c=32'.padStart(8)} ${'(rounds)'.padStart(9)} ${'direct'.padStart(11)} ${'(rounds)'.padStart(13)}`,
    ...rows,
    '',
    ...Object.entries(wideSummary).map(([name, s]) => `c=128 ${name}: ${s.rps.toFixed(0)} req/s (${(s.rpsRatio * 100).toFixed(0)}% of bare)`),
    ...Object.entries(longSummary).map(
      ([name, s]) =>
        `one stream of ${LONG_STREAM_EVENTS} events, ${name}: ${s.eventsPerSecond.toFixed(0)} events/s (${(s.ratio * 100).toFixed(0)}% of bare), first byte ${s.ttfb.toFixed(3)} ms`,
    ),
    `governance (every rule of a team policy on, none binding) vs the owner key with no policy: +${(summary['auxot governed'].p50 - summary['auxot same-dialect'].p50).toFixed(3)} ms at p50, ${((1 - summary['auxot governed'].rpsRatio / summary['auxot same-dialect'].rpsRatio) * 100).toFixed(1)}% of throughput`,
    `routing overhead, 3 tiers configured (GPU and CLI down, cloud serves): ${(summary['auxot 3-tier route'].p50 - summary['auxot same-dialect'].p50).toFixed(3)} ms at p50 over a single-provider route`,
    `failover before first byte (first provider refuses the connection): ${(summary['auxot failover'].p50 - summary['auxot same-dialect'].p50).toFixed(3)} ms at p50 over a direct route, failed attempt included`,
    `queue wait under saturation (2 slots, 20 ms answers, 8 interactive + 8 batch callers): interactive p50 ${report.queue.interactiveP50.toFixed(1)} ms / p95 ${report.queue.interactiveP95.toFixed(1)} ms; batch p50 ${report.queue.batchP50.toFixed(1)} ms / p95 ${report.queue.batchP95.toFixed(1)} ms`,
    `agent loop (2 model calls + load_skill at c=1): run p50 ${report.agentLoop.runP50.toFixed(3)} ms, one direct call ${report.agentLoop.directP50.toFixed(3)} ms: the loop adds ${report.agentLoop.perStep.toFixed(3)} ms per step`,
    `auxot RSS: just started ${startupRss.toFixed(1)} MB, idle (settled) ${idleRss.toFixed(1)} MB; right after the load ${loadedRss.toFixed(1)} MB, settled ${loadedSettledRss.toFixed(1)} MB`,
    '',
    'targets:',
    ...checkTargets(report, BENCH_TARGETS).map((check) => `  ${check.met ? 'met    ' : 'NOT MET'} ${check.label}: ${check.measured}`),
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/latest.json'),
    JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, ...report, samples: { results, wideResults, longResults, queue, agentRuns } }, null, 2),
  );
  rmSync(dataDir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  stopAll();
}
