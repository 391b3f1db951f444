import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchedFdWriter } from './batched-fd-writer.js';

describe('BatchedFdWriter', () => {
  const opened: number[] = [];
  afterEach(() => opened.splice(0).forEach((fd) => closeSync(fd)));
  const file = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'auxot-fd-writer-')), 'out.log');
    const fd = openSync(path, 'w');
    opened.push(fd);
    return { fd, read: () => readFileSync(path, 'utf8') };
  };

  it('holds lines until a batch is full, then writes them at once, in order', () => {
    const { fd, read } = file();
    const writer = new BatchedFdWriter(fd, { batchBytes: 100, flushMs: 60_000 });
    const line = (index: number) => `line ${index} ${'x'.repeat(20)}\n`;
    for (let index = 0; index < 3; index++) writer.write(line(index));
    expect(read()).toBe('');
    writer.write(line(3));
    expect(read()).toBe([0, 1, 2, 3].map(line).join(''));
  });

  it('writes a quiet process’s lines after flushMs', async () => {
    const { fd, read } = file();
    const writer = new BatchedFdWriter(fd, { flushMs: 5 });
    writer.write('one\n');
    writer.write('two\n');
    expect(read()).toBe('');
    await expect.poll(read).toBe('one\ntwo\n');
  });

  it('writes everything queued on flushSync (the exit path)', () => {
    const { fd, read } = file();
    const writer = new BatchedFdWriter(fd, { flushMs: 60_000 });
    writer.write('last words\n');
    writer.flushSync();
    expect(read()).toBe('last words\n');
  });

  it('drops and counts lines past maxQueuedBytes instead of growing without bound', () => {
    const { fd, read } = file();
    const writer = new BatchedFdWriter(fd, { batchBytes: 1_000_000, maxQueuedBytes: 10, flushMs: 60_000 });
    writer.write('0123456789\n');
    writer.write('dropped\n');
    expect(writer.dropped).toBe(1);
    writer.flushSync();
    expect(read()).toBe('0123456789\n');
  });

  it('counts lines as dropped once the descriptor is gone, and never throws', () => {
    const { fd } = file();
    const writer = new BatchedFdWriter(fd, { batchBytes: 1 });
    closeSync(opened.pop() as number);
    expect(() => writer.write('into the void\n')).not.toThrow();
    writer.write('and again\n');
    expect(writer.dropped).toBe(2);
  });
});
