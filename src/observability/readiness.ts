import type { RequestLogWriterStats } from '../governance/request-log-writer.js';
import type { StoreReadiness } from '../store/store.js';

export interface ReadinessSources {
  store(): Promise<StoreReadiness>;
  requestLog(): RequestLogWriterStats;
}

export interface ReadinessOptions {
  /** Records waiting to be written past which the writer counts as not keeping up. */
  maxRequestLogBacklog: number;
}

export const DEFAULT_READINESS_OPTIONS: ReadinessOptions = { maxRequestLogBacklog: 10_000 };

/** Each check is `ok` or the reason it fails; `ready` only when every one is ok. */
export interface Readiness {
  ready: boolean;
  checks: { store: string; requestLog: string };
}

/**
 * Whether this instance should receive traffic: its store answers and is migrated, and request
 * records are being written (a request served now must not lose its record). One indexed read and
 * a few counters: cheap enough to poll every second.
 */
export async function checkReadiness(sources: ReadinessSources, options: ReadinessOptions = DEFAULT_READINESS_OPTIONS): Promise<Readiness> {
  const store = await sources.store();
  const log = sources.requestLog();
  const checks = {
    store: store.ready ? 'ok' : store.reason,
    requestLog: requestLogCheck(log, options),
  };
  return { ready: checks.store === 'ok' && checks.requestLog === 'ok', checks };
}

function requestLogCheck(stats: RequestLogWriterStats, options: ReadinessOptions): string {
  if (stats.failing !== undefined) return `request log writes are failing (backlog ${stats.backlog}): ${stats.failing}`;
  if (stats.backlog > options.maxRequestLogBacklog) return `request log writer is behind (backlog ${stats.backlog})`;
  return 'ok';
}
