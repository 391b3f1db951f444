import { describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import { DispatchQueue } from './dispatch-queue.js';

/** A pool of N slots whose `take` reserves one, as providers' tryAcquire does. */
function slots(count: number): { take: () => number | undefined; free: () => void; used: () => number } {
  let used = 0;
  return {
    take: () => (used < count ? ++used : undefined),
    free: () => {
      used--;
    },
    used: () => used,
  };
}

describe('DispatchQueue', () => {
  it('hands capacity over at once when there is some and nobody waits', async () => {
    const queue = new DispatchQueue({ maxWaitingPerProvider: 10, maxWaitingTotal: 100, maxWaitMs: 1000, retryAfterMs: 500 });
    const pool = slots(1);
    await expect(queue.acquire('interactive', ['p'], pool.take, new AbortController().signal)).resolves.toBe(1);
    expect(queue.size).toBe(0);
  });

  it('serves waiting interactive requests before batch ones, first come first served within a class', async () => {
    const queue = new DispatchQueue({ maxWaitingPerProvider: 10, maxWaitingTotal: 100, maxWaitMs: 5000, retryAfterMs: 500 });
    const pool = slots(1);
    await queue.acquire('batch', ['p'], pool.take, new AbortController().signal);
    const order: string[] = [];
    const wait = (name: string, serviceClass: 'interactive' | 'batch'): Promise<void> =>
      queue.acquire(serviceClass, ['p'], pool.take, new AbortController().signal).then(() => void order.push(name));
    const all = [wait('batch-1', 'batch'), wait('interactive-1', 'interactive'), wait('batch-2', 'batch'), wait('interactive-2', 'interactive')];
    expect(queue.sizeOf('interactive')).toBe(2);
    expect(queue.sizeOf('batch')).toBe(2);
    for (let index = 0; index < 4; index++) {
      pool.free();
      queue.notify();
      await Promise.resolve();
      await Promise.resolve();
    }
    await Promise.all(all);
    expect(order).toEqual(['interactive-1', 'interactive-2', 'batch-1', 'batch-2']);
    expect(pool.used()).toBe(1);
  });

  it('gives one freed slot to exactly one waiter', async () => {
    const queue = new DispatchQueue({ maxWaitingPerProvider: 10, maxWaitingTotal: 100, maxWaitMs: 5000, retryAfterMs: 500 });
    const pool = slots(1);
    await queue.acquire('interactive', ['p'], pool.take, new AbortController().signal);
    let served = 0;
    for (let index = 0; index < 3; index++) void queue.acquire('interactive', ['p'], pool.take, new AbortController().signal).then(() => served++);
    pool.free();
    queue.notify();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(served).toBe(1);
    expect(queue.size).toBe(2);
  });

  it('refuses with no_capacity and a Retry-After when the line is full or the wait too long', async () => {
    const queue = new DispatchQueue({ maxWaitingPerProvider: 1, maxWaitingTotal: 100, maxWaitMs: 50, retryAfterMs: 750 });
    const none = (): undefined => undefined;
    const first = queue.acquire('interactive', ['p'], none, new AbortController().signal);
    await expect(queue.acquire('interactive', ['p'], none, new AbortController().signal)).rejects.toMatchObject({
      code: 'no_capacity',
      retryAfterMs: 750,
    });
    const error = await first.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toMatch(/within 50 ms/);
    expect(queue.size).toBe(0);
  });

  it('drops a waiter whose caller went away', async () => {
    const queue = new DispatchQueue({ maxWaitingPerProvider: 10, maxWaitingTotal: 100, maxWaitMs: 5000, retryAfterMs: 500 });
    const controller = new AbortController();
    const waiting = queue.acquire('batch', ['p'], () => undefined, controller.signal);
    expect(queue.size).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ retryable: false });
    expect(queue.size).toBe(0);
  });
});
