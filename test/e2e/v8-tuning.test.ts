import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUXOT_MAIN } from '../support/auxot-cli.js';

const TUNING = pathToFileURL(join(AUXOT_MAIN, '..', 'platform', 'v8-tuning.js')).href;

/**
 * Runs a script whose one allocation site makes objects that all stay alive (what a request's
 * objects look like at the instant of a scavenge) and counts V8's decisions to pretenure a site.
 */
function tenureDecisions(withTuning: boolean): number {
  const script = join(mkdtempSync(join(tmpdir(), 'auxot-v8-')), 'probe.mjs');
  writeFileSync(
    script,
    [
      withTuning ? `await import(${JSON.stringify(TUNING)});` : '',
      'const kept = [];',
      'const make = (i) => ({ i, list: [i], nested: { i } });',
      'for (let i = 0; i < 600_000; i++) kept.push(make(i));',
      'console.log(`kept ${kept.length}`);',
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, ['--trace-pretenuring-statistics', script], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('kept 600000');
  return run.stdout.split('\n').filter((line) => line.includes('=> tenure')).length;
}

describe('V8 tuning of the shipped entry point', () => {
  it('turns allocation-site pretenuring off, which V8 would otherwise apply to objects that all survive', () => {
    // The control shows the probe can see pretenuring happen; the tuned run shows it does not.
    expect(tenureDecisions(false)).toBeGreaterThan(0);
    expect(tenureDecisions(true)).toBe(0);
  });
});
