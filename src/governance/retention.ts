import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;
const BATCH = 1_000;

/**
 * Deletes what is older than the organization's retention setting — request records, stored
 * bodies, configuration changes and usage roll-ups — in the background, a batch per transaction so
 * request-record writes are never held up for long. Runs at start and then every `intervalMs`.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs = 3_600_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
    void this.run();
  }

  /** One pass; concurrent callers share it. */
  run(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: unknown) => this.logger.error('retention pass failed', { error: String(error) }))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const organization = await this.store.organizations.first();
    const days = organization?.settings.retentionDays;
    if (days === undefined) return;
    const cutoff = this.clock.now() - days * DAY_MS;
    const cutoffDay = new Date(cutoff).toISOString().slice(0, 10);
    let deleted = 0;
    for (const repository of [this.store.requestLog, this.store.requestBodies, this.store.configChanges]) {
      for (;;) {
        const count = await this.store.transaction(() => repository.deleteOlderThan(cutoff, BATCH));
        deleted += count;
        if (count < BATCH) break;
      }
    }
    deleted += await this.store.transaction((store) => store.usage.deleteOlderThan(cutoffDay));
    if (deleted > 0) this.logger.info('retention: deleted old records', { olderThanDays: days, records: deleted });
  }
}
