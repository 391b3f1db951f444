import { describe, expect, test } from 'vitest';
import { AsyncQueue } from '../platform/async-queue.js';
import { SlotPool } from './slot-pool.js';

describe('SlotPool', () => {
  test('lends free slots, queues the rest in arrival order, and hands a returned slot to the next waiter', async () => {
    const pool = new SlotPool(['a', 'b']);
    const signal = new AbortController().signal;
    const first = await pool.acquire(signal);
    const second = await pool.acquire(signal);
    // The most recently returned slot is lent first (warm KV cache), so free slots go out last-in first.
    expect([first?.slot, second?.slot]).toEqual(['b', 'a']);
    expect(pool.freeCount).toBe(0);
    const order: string[] = [];
    const third = pool.acquire(signal).then((lease) => (order.push(`third:${lease?.slot}`), lease));
    const fourth = pool.acquire(signal).then((lease) => (order.push(`fourth:${lease?.slot}`), lease));
    second?.release();
    second?.release();
    (await third)?.release();
    await fourth;
    expect(order).toEqual(['third:a', 'fourth:a']);
    first?.release();
    expect(pool.freeCount).toBe(1);
  });

  test('a waiter whose signal aborts leaves the line empty-handed', async () => {
    const pool = new SlotPool(['only']);
    const held = await pool.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
    held?.release();
    expect(pool.freeCount).toBe(1);
    expect(await pool.acquire(controller.signal)).toBeUndefined();
  });
});

describe('AsyncQueue', () => {
  test('delivers pushed items in order, then ends on close', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    setTimeout(() => {
      queue.push(2);
      queue.close();
      queue.push(3);
    }, 5);
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  test('fail throws after the buffered items', async () => {
    const queue = new AsyncQueue<string>();
    queue.push('before');
    queue.fail(new Error('boom'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['before']);
  });
});
