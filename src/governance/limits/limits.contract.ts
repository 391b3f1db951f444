import { expect, it } from 'vitest';
import type { LimitStores } from './limit-stores.js';

/**
 * What every implementation of the limit stores must do. The in-process one runs it now; a Redis
 * implementation (for replicas) must pass the same suite.
 */
export function runLimitStoresContract(create: () => Promise<LimitStores>): void {
  const MINUTE = 60_000;

  it('admits exactly the limit of simultaneous takes, never one more', async () => {
    const { windows } = await create();
    const verdicts = await Promise.all(Array.from({ length: 100 }, () => windows.take('team:a', 1, 50, MINUTE, 1_000)));
    expect(verdicts.filter((verdict) => verdict.admitted)).toHaveLength(50);
    const refused = verdicts.find((verdict) => !verdict.admitted);
    expect(refused).toMatchObject({ remaining: 0 });
    expect(refused?.retryAfterMs).toBe(MINUTE);
    // Other keys are counted apart.
    expect((await windows.take('team:b', 1, 50, MINUTE, 1_000)).admitted).toBe(true);
  });

  it('rolls: a take leaves the window exactly windowMs after it was made', async () => {
    const { windows } = await create();
    await windows.take('k', 3, 5, MINUTE, 0);
    await windows.take('k', 2, 5, MINUTE, 30_000);
    expect((await windows.take('k', 1, 5, MINUTE, 59_999)).admitted).toBe(false);
    const later = await windows.take('k', 3, 5, MINUTE, 60_000);
    expect(later).toMatchObject({ admitted: true, remaining: 0 });
    expect(await windows.peek('k', 5, MINUTE, 60_000)).toEqual({ remaining: 0, resetMs: MINUTE });
    expect((await windows.peek('k', 5, MINUTE, 90_000)).remaining).toBe(2);
  });

  it('settles a reservation with the real amount, giving back or charging the difference', async () => {
    const { windows } = await create();
    const reserved = await windows.take('tpm', 900, 1_000, MINUTE, 0);
    expect(reserved.admitted).toBe(true);
    expect((await windows.take('tpm', 200, 1_000, MINUTE, 1)).admitted).toBe(false);
    await windows.settle('tpm', reserved.ticket, 150, 2);
    expect(await windows.peek('tpm', 1_000, MINUTE, 3)).toMatchObject({ remaining: 850 });
    await windows.settle('tpm', reserved.ticket, 1_200, 4);
    expect((await windows.peek('tpm', 1_000, MINUTE, 5)).remaining).toBe(0);
  });

  it('says a take larger than the limit can never fit', async () => {
    const { windows } = await create();
    expect(await windows.take('big', 5_000, 1_000, MINUTE, 0)).toMatchObject({ admitted: false, retryAfterMs: Number.POSITIVE_INFINITY });
  });

  it('caps concurrency, and a slot released twice frees one place', async () => {
    const { concurrency } = await create();
    const slots = await Promise.all(Array.from({ length: 6 }, () => concurrency.acquire('c', 4)));
    expect(slots.filter((slot) => slot !== undefined)).toHaveLength(4);
    const [first] = slots;
    first?.release();
    first?.release();
    expect(await concurrency.held('c')).toBe(3);
    expect(await concurrency.acquire('c', 4)).toBeDefined();
    expect(await concurrency.acquire('c', 4)).toBeUndefined();
  });

  it('adds spend per key and month', async () => {
    const { spend } = await create();
    expect(await spend.add('team:a', '2026-12', 1.25)).toBe(1.25);
    expect(await spend.add('team:a', '2026-12', 0.5)).toBe(1.75);
    expect(await spend.spent('team:a', '2027-01')).toBe(0);
    expect(await spend.spent('team:b', '2026-12')).toBe(0);
  });
}
