import type { ChatEvent } from '../../canonical/chat-event.js';
import { isMeaningfulEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { AsyncQueue } from '../../platform/async-queue.js';
import { redactCredentials } from '../../platform/redact-credentials.js';
import type { WireError } from '../protocol/canonical-schemas.js';

/**
 * One job on one worker, seen from the server: the events streaming back, whether the worker has
 * started answering (the commit point), and how it ended. A job that fails before its first
 * meaningful event can be retried elsewhere; after that, the caller sees an in-stream error.
 */
export class JobChannel {
  readonly events = new AsyncQueue<ChatEvent>();
  /** Resolves at the first meaningful event; rejects if the job fails before it. */
  readonly started: Promise<void>;
  costUsd: number | undefined;
  private hasStarted = false;
  private wasAcknowledged = false;
  private finished = false;
  private sawEnd = false;
  private resolveStarted!: () => void;
  private rejectStarted!: (error: GatewayError) => void;

  constructor(readonly jobId: string) {
    this.started = new Promise<void>((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // The executor may never await `started` (e.g. the caller left first); never leave it unhandled.
    this.started.catch(() => undefined);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get isStarted(): boolean {
    return this.hasStarted;
  }

  /** The worker confirmed it has the job (its ack, or any event of it). */
  get isAcknowledged(): boolean {
    return this.wasAcknowledged;
  }

  acknowledge(): void {
    this.wasAcknowledged = true;
  }

  event(event: ChatEvent): void {
    if (this.finished) return;
    this.wasAcknowledged = true;
    this.events.push(event);
    if (event.type === 'response-end' || event.type === 'error') this.sawEnd = true;
    if (!this.hasStarted && isMeaningfulEvent(event)) {
      this.hasStarted = true;
      this.resolveStarted();
    }
  }

  /** The worker reported completion; a job that never emitted its end is a broken answer. */
  done(costUsd: number | undefined): void {
    if (this.finished) return;
    this.costUsd = costUsd;
    if (!this.sawEnd) this.event({ type: 'error', error: new GatewayError('upstream_error', 'The worker finished the job without completing the answer') });
    this.finish();
  }

  /** The job failed (worker report, disconnect, timeout). Before the commit point the router retries. */
  fail(error: GatewayError): void {
    if (this.finished) return;
    if (!this.hasStarted) {
      this.rejectStarted(error);
    } else {
      this.events.push({ type: 'error', error });
    }
    this.finish();
  }

  /** Ends the job silently (the caller cancelled it). */
  cancel(): void {
    if (this.finished) return;
    this.rejectStarted(new GatewayError('upstream_error', 'Job cancelled', { retryable: false }));
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.events.close();
  }
}

/** A worker's error report; its text may quote an upstream's, so credentials are removed on arrival. */
export function errorFromWire(error: WireError): GatewayError {
  return new GatewayError(error.code, redactCredentials(error.message), error.retryable === undefined ? {} : { retryable: error.retryable });
}
