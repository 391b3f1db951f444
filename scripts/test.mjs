#!/usr/bin/env node
// `npm test`: build the program the end-to-end tests spawn, type-check everything (tests included),
// run vitest, and end with one plain summary line that CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const resultsFile = join(root, '.test-output', 'results.json');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

let extraFailures = 0;
if (run(tsc, ['-p', 'tsconfig.build.json']) !== 0) {
  console.error('build failed');
  extraFailures++;
}
if (run(tsc, ['-p', 'tsconfig.json', '--noEmit']) !== 0) {
  console.error('type check failed');
  extraFailures++;
}

mkdirSync(join(root, '.test-output'), { recursive: true });
rmSync(resultsFile, { force: true });
const vitestStatus = run(vitest, [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  // A test file that fails to load has no test results of its own; count it as a failure.
  for (const file of results.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
  }
} catch {
  failed++;
}
failed += extraFailures;
if (vitestStatus !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
