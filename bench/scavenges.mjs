#!/usr/bin/env node
// `node bench/scavenges.mjs <processes> [build[:node flags]]...`: what the young-generation GC does
// under c=32 load (same dialect), one fresh Auxot process after another. V8 decides some things per
// process (allocation-site pretenuring, decision 63), so a single process can mislead; this starts
// several of each build. Per process it prints req/s, the scavenges' median bytes promoted to the
// old generation and median pause (from `--trace-gc-nvp`, after the first 20), and how many
// allocation sites V8 decided to pretenure (`--trace-pretenuring-statistics`). A build is a
// directory holding a `dist/` (default: this checkout); flags after a colon go to node.
// SCAVENGES_MS: load per process (5000).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { admin, ADMIN_KEY, load, root, startAndWait, startAuxot, stopAll } from './processes.mjs';

const [processesArg = '3', ...buildArgs] = process.argv.slice(2);
const builds = (buildArgs.length > 0 ? buildArgs : [root]).map((build) => {
  const [dir, ...flags] = build.split(':');
  return { dir, label: basename(dir.replace(/\/$/, '')), nodeArgs: flags.join(':').split(' ').filter(Boolean) };
});
const durationMs = Number(process.env.SCAVENGES_MS ?? 5000);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const field = (line, name) => Number(new RegExp(`[ ,]${name}=([\\d.]+)`).exec(line)?.[1]);

try {
  const mock = await startAndWait(1, ['bench/mock-upstream.mjs', '0'], /ready (\d+)/);
  const mockOrigin = `http://127.0.0.1:${mock.match[1]}`;
  for (let run = 0; run < Number(processesArg); run++) {
    for (const build of builds) {
      const nodeArgs = ['--trace-gc-nvp', '--trace-pretenuring-statistics', ...build.nodeArgs];
      const auxot = await startAuxot(mkdtempSync(join(tmpdir(), 'scavenges-')), { entry: join(build.dir, 'dist/main.js'), nodeArgs });
      const scavenges = [];
      let tenured = 0;
      let partial = '';
      auxot.child.stdout.on('data', (data) => {
        const lines = (partial + data.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.includes(' gc=s ')) scavenges.push({ promoted: field(line, 'promoted'), pause: field(line, 'pause') });
          else if (line.includes('=> tenure')) tenured++;
        }
      });
      await admin(auxot.base, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: `${mockOrigin}/v1`, models: ['bench-oai'] });
      const result = await load({
        url: `${auxot.base}/api/openai/v1/chat/completions`,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        body: { model: 'bench-oai', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32 },
        concurrency: 32,
        warmup: 500,
        durationMs,
      });
      const exited = new Promise((resolve) => auxot.child.once('exit', resolve));
      auxot.child.kill('SIGTERM');
      await exited;
      const steady = scavenges.slice(20);
      console.log(
        `${build.label.padEnd(14)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  ${String(steady.length).padStart(4)} scavenges: ` +
          `promoted ${(median(steady.map((s) => s.promoted)) / 1024).toFixed(0).padStart(5)} KB, pause ${median(steady.map((s) => s.pause)).toFixed(2)} ms (medians); ` +
          `sites pretenured ${tenured}`,
      );
    }
  }
} finally {
  stopAll();
}
