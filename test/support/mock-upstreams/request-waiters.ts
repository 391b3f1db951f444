import type { RecordedRequest } from './types.js';

interface Waiter<T> {
  isReady(): T | undefined;
  resolve(value: T): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Promises that settle when enough chat requests have arrived, or when a given request is aborted. */
export class RequestWaiters {
  private readonly countWaiters = new Set<Waiter<RecordedRequest[]>>();
  private readonly abortWaiters = new Set<Waiter<number>>();
  private readonly byteWaiters = new Set<Waiter<true>>();

  waitForCount(requests: RecordedRequest[], n: number, timeoutMs: number): Promise<RecordedRequest[]> {
    const check = (): RecordedRequest[] | undefined => (requests.length >= n ? [...requests] : undefined);
    const describe = (): string => `expected ${n} chat request(s) within ${timeoutMs} ms, got ${requests.length}`;
    return this.wait(this.countWaiters, check, timeoutMs, describe);
  }

  waitForAbort(request: RecordedRequest, timeoutMs: number): Promise<number> {
    const check = (): number | undefined => request.abortedAt;
    const describe = (): string => `request ${request.method} ${request.path} was not aborted within ${timeoutMs} ms`;
    return this.wait(this.abortWaiters, check, timeoutMs, describe);
  }

  waitForBytes(request: RecordedRequest, bytes: number, timeoutMs: number): Promise<true> {
    const check = (): true | undefined => ((request.bytesWritten ?? 0) >= bytes ? true : undefined);
    const describe = (): string => `the mock wrote ${request.bytesWritten ?? 0} of ${bytes} bytes to ${request.method} ${request.path} within ${timeoutMs} ms`;
    return this.wait(this.byteWaiters, check, timeoutMs, describe);
  }

  /** Re-checks every pending wait; call after a request arrives, is aborted, or is written to. */
  notify(): void {
    settleReady(this.countWaiters);
    settleReady(this.abortWaiters);
    settleReady(this.byteWaiters);
  }

  cancelAll(reason: string): void {
    for (const waiters of [this.countWaiters, this.abortWaiters, this.byteWaiters] as Array<Set<Waiter<unknown>>>) {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(reason));
      }
      waiters.clear();
    }
  }

  private wait<T>(
    waiters: Set<Waiter<T>>,
    isReady: () => T | undefined,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> {
    const ready = isReady();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        isReady,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(describe()));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }
}

function settleReady<T>(waiters: Set<Waiter<T>>): void {
  for (const waiter of waiters) {
    const value = waiter.isReady();
    if (value === undefined) continue;
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
    waiter.resolve(value);
  }
}
