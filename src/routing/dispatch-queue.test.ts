import { describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import type { ServiceClass } from '../governance/principal.js';
import { DEFAULT_QUEUE_OPTIONS, DispatchQueue, type DispatchQueueOptions } from './dispatch-queue.js';

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

let now = 0;
function queueWith(options: Partial<DispatchQueueOptions> = {}): DispatchQueue {
  return new DispatchQueue({ ...DEFAULT_QUEUE_OPTIONS, maxWaitMs: 5000, retryAfterMs: 500, now: () => now, ...options });
}

const signal = (): AbortSignal => new AbortController().signal;

describe('DispatchQueue', () => {
  it('hands capacity over at once when there is some and nobody waits', async () => {
    const queue = queueWith();
    const pool = slots(1);
    await expect(queue.acquire({ serviceClass: 'interactive', team: 't', providers: ['p'], take: pool.take, signal: signal() })).resolves.toBe(1);
    expect(queue.size).toBe(0);
  });

  it('serves waiting interactive requests before batch ones, first come first served within a team', async () => {
    const queue = queueWith();
    const pool = slots(1);
    pool.take();
    const order: string[] = [];
    const wait = (name: string, serviceClass: ServiceClass): Promise<void> =>
      queue.acquire({ serviceClass, team: 'one-team', providers: ['p'], take: pool.take, signal: signal() }).then(() => void order.push(name));
    const all = [wait('batch-1', 'batch'), wait('interactive-1', 'interactive'), wait('batch-2', 'batch'), wait('interactive-2', 'interactive')];
    expect(queue.sizeOf('interactive')).toBe(2);
    expect(queue.sizeOf('batch')).toBe(2);
    for (let index = 0; index < 4; index++) {
      pool.free();
      queue.notify();
      await Promise.resolve();
    }
    await Promise.all(all);
    expect(order).toEqual(['interactive-1', 'interactive-2', 'batch-1', 'batch-2']);
  });

  it('takes turns between teams within a class, so one team cannot hold everyone else back', async () => {
    const queue = queueWith();
    const pool = slots(1);
    pool.take();
    const order: string[] = [];
    const waits: Array<Promise<void>> = [];
    for (let index = 1; index <= 4; index++) waits.push(queue.acquire({ serviceClass: 'interactive', team: 'big', providers: ['p'], take: pool.take, signal: signal() }).then(() => void order.push(`big-${index}`)));
    for (let index = 1; index <= 2; index++) waits.push(queue.acquire({ serviceClass: 'interactive', team: 'small', providers: ['p'], take: pool.take, signal: signal() }).then(() => void order.push(`small-${index}`)));
    for (let index = 0; index < 6; index++) {
      pool.free();
      queue.notify();
      await Promise.resolve();
    }
    await Promise.all(waits);
    expect(order).toEqual(['big-1', 'small-1', 'big-2', 'small-2', 'big-3', 'big-4']);
  });

  it('serves a batch request that has waited long enough as interactive', async () => {
    const queue = queueWith({ batchAgingMs: 1_000 });
    const pool = slots(1);
    pool.take();
    now = 0;
    const order: string[] = [];
    const old = queue.acquire({ serviceClass: 'batch', team: 'nightly', providers: ['p'], take: pool.take, signal: signal() }).then(() => void order.push('batch'));
    now = 1_500;
    const fresh = queue.acquire({ serviceClass: 'interactive', team: 'chat', providers: ['p'], take: pool.take, signal: signal() }).then(() => void order.push('interactive'));
    pool.free();
    queue.notify();
    await old;
    pool.free();
    queue.notify();
    await fresh;
    expect(order).toEqual(['batch', 'interactive']);
  });

  it('bounds the share of a provider line one team may hold', async () => {
    const queue = queueWith({ maxWaitingPerTeam: 2 });
    const none = (): undefined => undefined;
    const controller = new AbortController();
    const held = [0, 1].map(() => queue.acquire({ serviceClass: 'batch', team: 'greedy', providers: ['p'], take: none, signal: controller.signal }).catch(() => undefined));
    await expect(queue.acquire({ serviceClass: 'batch', team: 'greedy', providers: ['p'], take: none, signal: signal() })).rejects.toMatchObject({ code: 'no_capacity' });
    const other = queue.acquire({ serviceClass: 'batch', team: 'other', providers: ['p'], take: none, signal: controller.signal }).catch(() => undefined);
    expect(queue.waitingFor('p')).toBe(3);
    controller.abort();
    await Promise.all([...held, other]);
    expect(queue.size).toBe(0);
  });

  it('gives one freed slot to exactly one waiter', async () => {
    const queue = queueWith();
    const pool = slots(1);
    pool.take();
    let served = 0;
    for (let index = 0; index < 3; index++) void queue.acquire({ serviceClass: 'interactive', team: `t${index}`, providers: ['p'], take: pool.take, signal: signal() }).then(() => served++);
    pool.free();
    queue.notify();
    await new Promise((resolve) => setImmediate(resolve));
    expect(served).toBe(1);
    expect(queue.size).toBe(2);
  });

  it('refuses with no_capacity and a Retry-After when the line is full or the wait too long', async () => {
    const queue = queueWith({ maxWaitingPerProvider: 1, maxWaitMs: 50, retryAfterMs: 750 });
    const none = (): undefined => undefined;
    const first = queue.acquire({ serviceClass: 'interactive', team: 'a', providers: ['p'], take: none, signal: signal() });
    await expect(queue.acquire({ serviceClass: 'interactive', team: 'b', providers: ['p'], take: none, signal: signal() })).rejects.toMatchObject({ code: 'no_capacity', retryAfterMs: 750 });
    const error = await first.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toMatch(/within 50 ms/);
    expect(queue.size).toBe(0);
  });

  it('drops a waiter whose caller went away', async () => {
    const queue = queueWith();
    const controller = new AbortController();
    const waiting = queue.acquire({ serviceClass: 'batch', team: 'a', providers: ['p'], take: () => undefined, signal: controller.signal });
    expect(queue.size).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ retryable: false });
    expect(queue.size).toBe(0);
  });
});
