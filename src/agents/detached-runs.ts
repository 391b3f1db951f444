/**
 * Agent runs that outlive the request that started them (asynchronous runs). Each gets its own
 * abort signal, so the server's shutdown can cancel them and wait until each has recorded how it
 * ended (and called back) before the store and the upstream connections close under it.
 */
export class DetachedRuns {
  private readonly inFlight = new Map<AbortController, Promise<void>>();
  private closing = false;

  /** Starts `work` with a signal aborted at shutdown; `work` must not reject (it logs its own failures). */
  start(work: (signal: AbortSignal) => Promise<void>): void {
    const controller = new AbortController();
    // A run that starts while the server closes is cancelled at once and still awaited.
    if (this.closing) controller.abort();
    const running = work(controller.signal).finally(() => this.inFlight.delete(controller));
    this.inFlight.set(controller, running);
  }

  /** Cancels every run in flight and resolves once each has finished. */
  async cancelAll(): Promise<void> {
    this.closing = true;
    while (this.inFlight.size > 0) {
      const running = [...this.inFlight];
      for (const [controller] of running) controller.abort();
      await Promise.allSettled(running.map(([, settled]) => settled));
    }
  }
}
