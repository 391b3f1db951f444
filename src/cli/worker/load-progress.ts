import type { Logger } from '../../platform/logger.js';

export interface LoadProgress {
  update(fraction: number): void;
  done(): void;
  fail(): void;
}

/**
 * Model loading can take minutes: on a terminal a percentage counts up on one line; in logs, the
 * start and the end are two lines (with how long it took).
 */
export function startLoadProgress(logger: Logger, model: string, onTerminal: boolean): LoadProgress {
  const started = performance.now();
  let shown = -1;
  logger.info('loading model', { model });
  return {
    update(fraction) {
      if (!onTerminal) return;
      const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
      if (percent === shown) return;
      shown = percent;
      process.stderr.write(`\rloading ${model}: ${String(percent).padStart(3)}%`);
    },
    done() {
      if (onTerminal && shown >= 0) process.stderr.write('\n');
      logger.info('model loaded', { model, ms: Math.round(performance.now() - started) });
    },
    fail() {
      if (onTerminal && shown >= 0) process.stderr.write('\n');
    },
  };
}
