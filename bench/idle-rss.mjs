#!/usr/bin/env node
// `node bench/idle-rss.mjs`: Auxot's RSS once started and configured with a provider and a team,
// as `npm run bench` measures it (just started, then settled), without the load: a quick check for
// start-up memory work.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, rssMb, settledRssMb, startAuxot, stopAll } from './processes.mjs';

const auxot = await startAuxot(mkdtempSync(join(tmpdir(), 'auxot-rss-')));
try {
  await admin(auxot.base, 'POST', '/api/admin/providers', { name: 'oai', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'] });
  await admin(auxot.base, 'POST', '/api/admin/teams', { name: 'team' });
  const started = rssMb(auxot.child.pid);
  console.log(`RSS just started ${started.toFixed(1)} MB, idle (settled) ${(await settledRssMb(auxot.child.pid)).toFixed(1)} MB`);
} finally {
  stopAll();
}
