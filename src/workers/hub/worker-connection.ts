import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { CapacityLease } from '../../providers/provider.js';
import type { ServerToWorker, WorkerToServer } from '../protocol/messages.js';
import { endAfterCloseFrame } from './close-gracefully.js';
import type { JobChannel } from './job-channel.js';
import type { PendingEmbedding } from './pending-embedding.js';

type Hello = Extract<WorkerToServer, { type: 'hello' }>;

export interface RunningJob {
  channel: JobChannel;
  lease: CapacityLease;
}

/** One authenticated worker socket: what it can run, what it is running, when it last spoke. */
export class WorkerConnection {
  readonly jobs = new Map<string, RunningJob>();
  readonly embeddings = new Map<string, { pending: PendingEmbedding; lease: CapacityLease }>();
  slots: number;
  /** Slots promised to requests (leases), running or about to be sent. */
  reserved = 0;
  /** The worker asked for a pause (usage limits); no jobs until then. */
  pausedUntil = 0;
  lastSeen: number;
  /** Left a job unacknowledged: no new jobs until it shows it is alive again (any frame). */
  suspect = false;

  readonly connectedAt: number;

  /**
   * `id` is the worker key's id and `name` the hello's name or else the key's, so a worker is
   * known by the same id and name in `workers list`, request records and logs, across reconnects.
   */
  constructor(
    readonly id: string,
    readonly name: string,
    readonly providerId: string,
    readonly hello: Hello,
    private readonly socket: WebSocket,
    /** The TCP connection under the WebSocket, to end it cleanly when the peer cannot answer. */
    private readonly raw: Duplex,
    now: number,
  ) {
    this.slots = hello.slots;
    this.lastSeen = now;
    this.connectedAt = now;
  }

  freeSlots(now: number, maxSlots: number | undefined): number {
    if (this.suspect || this.pausedUntil > now) return 0;
    return Math.max(0, Math.min(this.slots, maxSlots ?? Number.POSITIVE_INFINITY) - this.reserved);
  }

  send(message: ServerToWorker): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /**
   * Closes with a code and ends the TCP connection without waiting for the peer's close frame (a
   * frozen worker sends none), yet without a reset: the frame reaches it whenever it reads again.
   */
  closeNow(code: number, reason: string): void {
    this.socket.close(code, reason);
    endAfterCloseFrame(this.raw);
  }
}
