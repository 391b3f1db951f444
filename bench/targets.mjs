// The performance targets `npm run bench` reports against (issue 12 and the governance issue),
// each read from the bench's own report. Ratios are per-round medians against the bare proxy.

const pct = (ratio) => `${(ratio * 100).toFixed(0)}%`;
const ms = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;

export const BENCH_TARGETS = [
  { label: 'same dialect ≥ 70% of bare at c=32', read: (r) => r.summary['auxot same-dialect'].rpsRatio, ok: (v) => v >= 0.7, show: pct },
  { label: 'same dialect ≥ 70% of bare at c=128', read: (r) => r.wide['auxot same-dialect'].rpsRatio, ok: (v) => v >= 0.7, show: pct },
  { label: 'Anthropic same dialect ≥ 70% of bare at c=32', read: (r) => r.summary['auxot messages same'].rpsRatio, ok: (v) => v >= 0.7, show: pct },
  { label: 'translating OpenAI→Anthropic ≥ 55% of bare', read: (r) => r.summary['auxot openai→anthropic'].rpsRatio, ok: (v) => v >= 0.55, show: pct },
  { label: 'translating Anthropic→OpenAI ≥ 55% of bare', read: (r) => r.summary['auxot anthropic→openai'].rpsRatio, ok: (v) => v >= 0.55, show: pct },
  {
    label: 'added p50 at c=1 within 0.10 ms of bare',
    read: (r) => r.summary['auxot same-dialect'].p50 - r.summary['bare proxy (baseline)'].p50,
    ok: (v) => v <= 0.1,
    show: ms,
  },
  {
    label: 'p99 at c=1 within 1 ms of bare',
    read: (r) => r.summary['auxot same-dialect'].p99 - r.summary['bare proxy (baseline)'].p99,
    ok: (v) => v <= 1,
    show: ms,
  },
  { label: 'one 10,000-event stream ≥ 80% of bare events/s', read: (r) => r.longStream['auxot same-dialect'].ratio, ok: (v) => v >= 0.8, show: pct },
  {
    label: 'streaming first byte within 0.1 ms of bare',
    read: (r) => r.summary['auxot same-dialect'].ttfb - r.summary['bare proxy (baseline)'].ttfb,
    ok: (v) => v <= 0.1,
    show: ms,
  },
  {
    label: 'governance adds < 0.05 ms at p50',
    read: (r) => r.summary['auxot governed'].p50 - r.summary['auxot same-dialect'].p50,
    ok: (v) => v < 0.05,
    show: ms,
  },
  {
    label: 'governance costs < 10% of throughput',
    read: (r) => 1 - r.summary['auxot governed'].rpsRatio / r.summary['auxot same-dialect'].rpsRatio,
    ok: (v) => v < 0.1,
    show: pct,
  },
  { label: 'the agent loop adds < 1 ms per step', read: (r) => r.agentLoop.perStep, ok: (v) => v < 1, show: ms },
  // Idle is the settled RSS (bench/processes.mjs settledRssMb); the whole bench's is taken right after its last load.
  { label: 'idle RSS ≤ 110 MB', read: (r) => r.idleRss, ok: (v) => v <= 110, show: (v) => `${v.toFixed(1)} MB` },
  { label: 'RSS after the whole bench ≤ 200 MB', read: (r) => r.loadedRss, ok: (v) => v <= 200, show: (v) => `${v.toFixed(1)} MB` },
];

export function checkTargets(report, targets) {
  return targets.map((target) => {
    const value = target.read(report);
    return { label: target.label, met: target.ok(value), measured: target.show(value) };
  });
}
