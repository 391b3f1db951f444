import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER_MODULE = fileURLToPath(new URL('../../dist/platform/logger.js', import.meta.url));

/** Runs a script that logs through the default stderr writer; resolves with what reached stderr. */
function runLogging(script: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(LOGGER_MODULE)};\n${script}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('log lines written in batches that never block the event loop', () => {
  it('still delivers every line, in order, when the process exits right after logging', async () => {
    const { code, stderr } = await runLogging(`
      const logger = createLogger({ format: 'json' });
      for (let i = 0; i < 20000; i++) logger.info('request', { i, apiKey: 'never-written-secret' });
      process.exit(3);`);
    expect(code).toBe(3);
    const lines = stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { i: number; apiKey: string });
    expect(lines).toHaveLength(20000);
    expect(lines.every((line, index) => line.i === index && line.apiKey === '[redacted]')).toBe(true);
  });

  it('delivers the lines of a process that ends by an uncaught exception', async () => {
    const { code, stderr } = await runLogging(`
      const logger = createLogger({ format: 'json' });
      for (let i = 0; i < 5000; i++) logger.warn('line', { i });
      throw new Error('boom');`);
    expect(code).toBe(1);
    expect(stderr.split('\n').filter((line) => line.startsWith('{"level":"warn"'))).toHaveLength(5000);
    expect(stderr).toContain('Error: boom');
  });

  it('keeps the event loop running while nobody reads stderr, and delivers every line once someone does', async () => {
    // 2 MB of lines, far more than a pipe holds. A writer that blocked on the full pipe would never
    // get to say "logged"; this one queues what the pipe refuses and goes on.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createLogger } from ${JSON.stringify(LOGGER_MODULE)};
        const logger = createLogger({ format: 'json' });
        for (let i = 0; i < 20000; i++) logger.info('request', { i, pad: 'x'.repeat(60) });
        process.stdout.write('logged\\n');
        setTimeout(() => { process.stdout.write('alive\\n'); process.stdin.once('data', () => process.exit(0)); }, 20);`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    child.stderr.pause();
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('alive\n')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited (${code}) before its event loop went on; stdout: ${stdout}`)));
    });
    expect(stdout).toBe('logged\nalive\n');

    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.stderr.resume();
    child.stdin.write('exit\n');
    expect(await closed).toBe(0);
    const lines = stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { i: number });
    expect(lines).toHaveLength(20000);
    expect(lines.every((line, index) => line.i === index)).toBe(true);
  });
});
