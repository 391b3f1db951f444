// Load generator, run in its own process. Closed-loop: each of `concurrency` connections sends
// its next request when the previous answer is complete, so percentiles here are for comparing
// targets measured the same way, not absolute tail latency.
// Usage: node load.mjs '<json spec>'  →  prints one JSON line of results.
//   spec: { url, body, headers, concurrency, requests?, durationMs?, warmup, stream, headerToRecord? }
import { Pool } from 'undici';

const spec = JSON.parse(process.argv[2]);
const target = new URL(spec.url);
const pool = new Pool(target.origin, { connections: spec.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
const body = JSON.stringify(spec.body);
const headers = { 'content-type': 'application/json', ...spec.headers };

async function once() {
  const started = performance.now();
  const response = await pool.request({ path: target.pathname, method: 'POST', headers, body });
  let firstByte;
  for await (const chunk of response.body) {
    if (firstByte === undefined && chunk.length > 0) firstByte = performance.now() - started;
  }
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
  const recorded = spec.headerToRecord === undefined ? undefined : Number(response.headers[spec.headerToRecord]);
  return { ms: performance.now() - started, firstByte: firstByte ?? 0, recorded };
}

async function run(count, durationMs) {
  const samples = [];
  let errors = 0;
  const deadline = durationMs === undefined ? Infinity : performance.now() + durationMs;
  let remaining = count ?? Infinity;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (remaining-- > 0 && performance.now() < deadline) {
        try {
          samples.push(await once());
        } catch {
          errors++;
        }
      }
    }),
  );
  return { samples, errors, elapsedMs: performance.now() - started };
}

const percentile = (values, p) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

await run(spec.warmup, undefined);
const { samples, errors, elapsedMs } = await run(spec.requests, spec.durationMs);
const latencies = samples.map((sample) => sample.ms);
const firstBytes = samples.map((sample) => sample.firstByte);
const recorded = samples.map((sample) => sample.recorded).filter((value) => value !== undefined && Number.isFinite(value));
console.log(
  JSON.stringify({
    count: samples.length,
    errors,
    requestsPerSecond: (samples.length / elapsedMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    firstByteP50: percentile(firstBytes, 50),
    recordedP50: percentile(recorded, 50),
    recordedP95: percentile(recorded, 95),
    recordedMean: recorded.length === 0 ? NaN : recorded.reduce((a, b) => a + b, 0) / recorded.length,
  }),
);
await pool.close();
