#!/usr/bin/env node
// Streaming time to first byte, request by request: `node bench/first-byte.mjs <requests> <build>...`
// (builds as for bench/ab.mjs: directories holding a built `dist/`). One streaming request at a
// time goes to the bare proxy, then to each build, then again, so every target sees the same
// moments of a shared VM; a paired A/B at c=1 moved ±0.1 ms between runs, this moves ~0.01 ms.
// Prints each target's first-byte p25 / p50 and how far they sit above the bare proxy's.
// FIRST_BYTE_SURFACE: openai (default; OpenAI client → openai-compatible upstream) or anthropic
// (Anthropic client → Anthropic upstream). FIRST_BYTE_STREAM=0 asks for whole answers instead, so
// the figure is the answer's latency (its first byte is most of it).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Pool } from 'undici';
import { admin, ADMIN_KEY, startAndWait, startAuxot, stopAll } from './processes.mjs';

const [requestsArg, ...builds] = process.argv.slice(2);
const requests = Number(requestsArg);
const anthropic = process.env.FIRST_BYTE_SURFACE === 'anthropic';
const stream = process.env.FIRST_BYTE_STREAM !== '0';
const body = JSON.stringify(
  anthropic
    ? { model: 'bench-ant', max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }], stream }
    : { model: 'bench-oai', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32, stream },
);
const json = { 'content-type': 'application/json' };

/** Milliseconds from sending the request to the first byte of the answer's body. */
async function firstByte(target) {
  const started = performance.now();
  const answer = await target.pool.request({ path: target.path, method: 'POST', headers: target.headers, body });
  let at;
  for await (const chunk of answer.body) if (at === undefined && chunk.length > 0) at = performance.now() - started;
  if (answer.statusCode !== 200) throw new Error(`${target.name}: HTTP ${answer.statusCode}`);
  return at;
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.floor((values.length * p) / 100)];

try {
  const mock = await startAndWait(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockOrigin = `http://127.0.0.1:${mock.match[1]}`;
  const bare = await startAndWait(0, ['bench/bare-proxy.mjs', '0', mockOrigin], /ready (\d+)/);
  const targets = [
    anthropic
      ? {
          name: 'bare proxy',
          origin: `http://127.0.0.1:${bare.match[1]}`,
          path: '/v1/messages',
          headers: { ...json, 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' },
        }
      : { name: 'bare proxy', origin: `http://127.0.0.1:${bare.match[1]}`, path: '/v1/chat/completions', headers: json },
  ];
  for (const build of builds) {
    const { base } = await startAuxot(mkdtempSync(join(tmpdir(), 'first-byte-')), { entry: join(build, 'dist/main.js') });
    await admin(base, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-oai'] });
    await admin(base, 'POST', '/api/admin/providers', { name: 'ant', kind: 'anthropic', baseUrl: mockOrigin, apiKey: 'sk-bench', models: ['bench-ant'] });
    targets.push(
      anthropic
        ? {
            name: basename(build),
            origin: base,
            path: '/api/anthropic/v1/messages',
            headers: { ...json, 'x-api-key': ADMIN_KEY, 'anthropic-version': '2023-06-01' },
          }
        : { name: basename(build), origin: base, path: '/api/openai/v1/chat/completions', headers: { ...json, authorization: `Bearer ${ADMIN_KEY}` } },
    );
  }
  for (const target of targets) target.pool = new Pool(target.origin, { connections: 1 });
  for (let index = 0; index < 500; index++) for (const target of targets) await firstByte(target);
  const samples = targets.map(() => []);
  for (let index = 0; index < requests; index++) for (const [at, target] of targets.entries()) samples[at].push(await firstByte(target));
  const [bareSamples] = samples;
  for (const [at, target] of targets.entries()) {
    const p25 = percentile(samples[at], 25);
    const p50 = percentile(samples[at], 50);
    const over =
      at === 0 ? '' : `  over bare: p25 +${(p25 - percentile(bareSamples, 25)).toFixed(3)} p50 +${(p50 - percentile(bareSamples, 50)).toFixed(3)} ms`;
    console.log(`${target.name.padEnd(12)} first byte p25 ${p25.toFixed(3)} p50 ${p50.toFixed(3)} ms${over}`);
  }
  for (const target of targets) await target.pool.close();
} finally {
  stopAll();
}
