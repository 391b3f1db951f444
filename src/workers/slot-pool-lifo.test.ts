import { describe, expect, test } from 'vitest';
import { SlotPool } from './slot-pool.js';

const never = new AbortController().signal;

describe('SlotPool', () => {
  test('lends each slot once, then makes jobs wait in arrival order', async () => {
    const pool = new SlotPool(['a', 'b']);
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    expect([first?.slot, second?.slot].sort()).toEqual(['a', 'b']);
    expect(pool.freeCount).toBe(0);
    const order: string[] = [];
    const third = pool.acquire(never).then((lease) => (order.push('third'), lease));
    const fourth = pool.acquire(never).then((lease) => (order.push('fourth'), lease));
    expect(pool.waitingCount).toBe(2);
    second?.release();
    expect((await third)?.slot).toBe(second?.slot);
    first?.release();
    expect((await fourth)?.slot).toBe(first?.slot);
    expect(order).toEqual(['third', 'fourth']);
  });

  test('release is idempotent: a slot released twice is not lent twice', async () => {
    const pool = new SlotPool(['a']);
    const lease = await pool.acquire(never);
    lease?.release();
    lease?.release();
    expect(pool.freeCount).toBe(1);
  });

  test('lends the most recently returned slot first (its KV cache is the warmest)', async () => {
    const pool = new SlotPool(['a', 'b']);
    const first = await pool.acquire(never);
    const second = await pool.acquire(never);
    first?.release();
    second?.release();
    expect((await pool.acquire(never))?.slot).toBe(second?.slot);
  });

  test('an aborted waiter leaves the line without a slot and the next waiter is served', async () => {
    const pool = new SlotPool(['a']);
    const held = await pool.acquire(never);
    const controller = new AbortController();
    const cancelled = pool.acquire(controller.signal);
    const next = pool.acquire(never);
    controller.abort();
    expect(await cancelled).toBeUndefined();
    expect(pool.waitingCount).toBe(1);
    held?.release();
    expect((await next)?.slot).toBe('a');
    expect(pool.freeCount).toBe(0);
  });

  test('an already aborted signal gets no slot', async () => {
    const pool = new SlotPool(['a']);
    expect(await pool.acquire(AbortSignal.abort())).toBeUndefined();
    expect(pool.freeCount).toBe(1);
  });
});
