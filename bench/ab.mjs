#!/usr/bin/env node
// Paired A/B of Auxot builds against the bare proxy: `node bench/ab.mjs <rounds> <build>...`, where
// each build is a directory holding a built `dist/` (its `main.js`), e.g. a copy made before a change:
//   mkdir -p /tmp/before && cp -r dist package.json /tmp/before/ && ln -s "$PWD/node_modules" /tmp/before/
// Every round runs the bare proxy and each build for AB_MS (1500) ms at AB_C (32) connections, in an
// order rotated per round, and records each build's req/s and CPU per request (utime+stime from
// /proc, all threads) relative to the bare proxy of the same round; it prints the medians. On a
// shared VM single runs swing widely; per-round ratios of interleaved runs do not, so this is how a
// change is judged before the full `npm run bench`. AB_BARE_ARGS: node flags for the bare proxy. AB_MODE: same (default), governed (a team key
// with every rule on), translate (OpenAI client → Anthropic upstream), messages, messages-translate.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { admin, ADMIN_KEY, BENCH_TEAM_POLICY, load, startAndWait, startAuxot, stopAll } from './processes.mjs';
const [roundsArg, ...builds] = process.argv.slice(2);
// A build may carry node flags after a colon: `/tmp/after:--single-threaded-gc`.
const dists = builds.map((build) => {
  const [dir, ...flags] = build.split(':');
  return { dist: join(dir, 'dist'), nodeArgs: flags.join(':').split(' ').filter(Boolean) };
});
const label = ({ dist, nodeArgs }) => [basename(dirname(dist)), ...nodeArgs].join(' ');
const bareArgs = (process.env.AB_BARE_ARGS ?? '').split(' ').filter(Boolean);
const rounds = Number(roundsArg);
const mode = process.env.AB_MODE ?? 'same';
const conc = Number(process.env.AB_C ?? 32);
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
try {
  const mock = await startAndWait(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockOrigin = `http://127.0.0.1:${mock.match[1]}`;
  const bare = await startAndWait(0, [...bareArgs, 'bench/bare-proxy.mjs', '0', mockOrigin], /ready (\d+)/);
  const bareBase = `http://127.0.0.1:${bare.match[1]}`;
  const variants = [];
  for (const build of dists) {
    const { child, base } = await startAuxot(mkdtempSync(join(tmpdir(), 'ab-data-')), { entry: `${build.dist}/main.js`, nodeArgs: build.nodeArgs });
    await admin(base, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-oai'] });
    await admin(base, 'POST', '/api/admin/providers', { name: 'ant', kind: 'anthropic', baseUrl: mockOrigin, apiKey: 'sk-bench', models: ['bench-ant'] });
    let key = ADMIN_KEY;
    if (mode === 'governed') {
      await admin(base, 'POST', '/api/admin/teams', { name: 'bench-team', policy: BENCH_TEAM_POLICY });
      await admin(base, 'POST', '/api/admin/service-accounts', { team: 'bench-team', name: 'bench-service' });
      key = (await admin(base, 'POST', '/api/admin/keys', { name: 'governed', serviceAccount: 'bench-team/bench-service' })).key;
    }
    variants.push({ name: build, base, key, pid: child.pid });
  }
  const chat = (model) => ({ model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32, stream: process.env.AB_STREAM === '1' });
  const msg = (model) => ({ model, max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }], stream: process.env.AB_STREAM === '1' });
  const spec = (v) => {
    if (v === undefined)
      return mode.startsWith('messages')
        ? { url: `${bareBase}/v1/messages`, headers: {}, body: msg('bench-ant') }
        : { url: `${bareBase}/v1/chat/completions`, headers: {}, body: chat('bench-oai') };
    if (mode === 'translate')
      return { url: `${v.base}/api/openai/v1/chat/completions`, headers: { authorization: `Bearer ${v.key}` }, body: chat('bench-ant') };
    if (mode === 'messages-translate')
      return { url: `${v.base}/api/anthropic/v1/messages`, headers: { 'x-api-key': v.key, 'anthropic-version': '2023-06-01' }, body: msg('bench-oai') };
    if (mode === 'messages')
      return { url: `${v.base}/api/anthropic/v1/messages`, headers: { 'x-api-key': v.key, 'anthropic-version': '2023-06-01' }, body: msg('bench-ant') };
    return { url: `${v.base}/api/openai/v1/chat/completions`, headers: { authorization: `Bearer ${v.key}` }, body: chat('bench-oai') };
  };
  for (const v of [undefined, ...variants]) await load({ ...spec(v), concurrency: 8, warmup: 0, requests: Number(process.env.AB_WARM ?? 4000) });
  const dur = Number(process.env.AB_MS ?? 1500);
  const names = ['bare', ...variants.map((v) => v.name)];
  const rps = names.map(() => []);
  const bareRps = [];
  const cpu = names.map(() => []);
  // Streaming: the first byte's p50 over the same round's bare proxy's, in ms.
  const firstByte = names.map(() => []);
  const targets = [{ pid: bare.child.pid, v: undefined }, ...variants.map((v) => ({ pid: v.pid, v }))];
  for (let r = 0; r < rounds; r++) {
    const order = targets.map((_, i) => (i + r) % targets.length);
    const got = [];
    for (const i of order) {
      const c0 = cpuMs(targets[i].pid);
      const x = await load({ ...spec(targets[i].v), concurrency: conc, warmup: 200, durationMs: dur });
      if (x.errors) throw new Error('errors ' + x.errors);
      got[i] = { rps: x.requestsPerSecond, cpu: ((cpuMs(targets[i].pid) - c0) * 1000) / (x.count + 200), firstByte: x.firstByteP50 };
    }
    for (const [i] of targets.entries()) {
      if (i === 0) bareRps.push(got[0].rps);
      rps[i].push(got[i].rps / got[0].rps);
      cpu[i].push(got[i].cpu / got[0].cpu);
      firstByte[i].push(got[i].firstByte - got[0].firstByte);
    }
    console.error(
      `round ${r + 1}: bare ${got[0].rps.toFixed(0)} rps ${got[0].cpu.toFixed(0)}us ` +
        names
          .slice(1)
          .map((n, j) => `${label(n)}=${rps[j + 1].at(-1).toFixed(2)}`)
          .join(' '),
    );
  }
  console.log(`mode ${mode} c=${conc} ${rounds}x${dur}ms; bare proxy ${bareArgs.join(' ')} median ${median(bareRps).toFixed(0)} req/s`);
  for (const [i, n] of names.entries())
    if (i > 0)
      console.log(
        `${label(n).padEnd(12)} rps ratio median ${median(rps[i]).toFixed(3)}  cpu/bare median ${median(cpu[i]).toFixed(3)} (=${(1 / median(cpu[i])).toFixed(3)}x)` +
          (process.env.AB_STREAM === '1' ? `  first byte over bare median ${median(firstByte[i]).toFixed(3)} ms` : ''),
      );
} finally {
  stopAll();
}
