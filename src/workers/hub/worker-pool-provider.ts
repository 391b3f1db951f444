import type { ChatRequest } from '../../canonical/chat-request.js';
import type { EmbeddingResult } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Clock } from '../../platform/clock.js';
import type { HopMarker } from '../../platform/hop-marker.js';
import type { Logger } from '../../platform/logger.js';
import { ModelMatcher } from '../../providers/model-matcher.js';
import type {
  CapacityLease,
  CapacitySignal,
  EmbeddingCall,
  Provider,
  ProviderCall,
  ProviderCapacity,
  ProviderResponse,
  StreamChunk,
} from '../../providers/provider.js';
import type { ModelPrice, ProviderRecord } from '../../store/records.js';
import { toModelRequest } from '../protocol/canonical-schemas.js';
import { CLOSE_CODES, type WorkerPolicy } from '../protocol/messages.js';
import { JobChannel } from './job-channel.js';
import { embedOnWorker } from './worker-embeddings.js';
import type { WorkerConnection } from './worker-connection.js';

export interface WorkerPoolDependencies {
  capacitySignal: CapacitySignal;
  /** Marks the model requests workers make for a job, so a loop back into Auxot is cut. */
  hop: HopMarker;
  logger: Logger;
  /** How long a worker has to acknowledge a job before it is taken back and served elsewhere. */
  ackTimeoutMs: number;
  clock: Clock;
  newId(prefix: string): string;
  /** Told when the pool is closed for good (its provider was removed or disabled). */
  onClosed?: () => void;
}

const DEFAULT_FIRST_EVENT_TIMEOUT_MS = 120_000;

/**
 * A GPU or CLI provider: the workers that dialled in with this provider's keys, seen by the router
 * as one provider whose capacity is their free slots. Jobs go to the least-loaded worker.
 */
export class WorkerPoolProvider implements Provider {
  readonly id: string;
  private record: ProviderRecord;
  private matcher: ModelMatcher;
  private readonly connections = new Map<string, WorkerConnection>();
  /** GPU workers embed (llama.cpp's embedding context, or the server they front); Claude Code does not. */
  readonly embed: ((call: EmbeddingCall) => Promise<EmbeddingResult>) | undefined;

  constructor(
    record: ProviderRecord,
    private readonly dependencies: WorkerPoolDependencies,
  ) {
    this.id = record.id;
    this.record = record;
    this.matcher = new ModelMatcher(record.models);
    this.embed =
      record.kind === 'gpu-worker'
        ? (call) =>
            embedOnWorker(call, this.connectionFor(call), {
              newId: dependencies.newId,
              timeoutMs: this.record.settings.firstByteTimeoutMs ?? DEFAULT_FIRST_EVENT_TIMEOUT_MS,
              via: dependencies.hop.viaFor(call.request.via),
            })
        : undefined;
  }

  private connectionFor(call: EmbeddingCall): WorkerConnection | undefined {
    return call.lease.workerId === undefined ? undefined : this.connections.get(call.lease.workerId);
  }

  get name(): string {
    return this.record.name;
  }

  get kind(): ProviderRecord['kind'] {
    return this.record.kind;
  }

  get tier(): ProviderRecord['tier'] {
    return this.record.tier;
  }

  get policy(): WorkerPolicy {
    const maxSlots = this.record.settings.maxConcurrency;
    return { models: this.record.models, ...(maxSlots === undefined ? {} : { maxSlots }) };
  }

  /** Applies a changed configuration and tells connected workers their new policy. */
  update(record: ProviderRecord): void {
    this.record = record;
    this.matcher = new ModelMatcher(record.models);
    for (const connection of this.connections.values()) connection.send({ type: 'policy-update', policy: this.policy });
    this.dependencies.capacitySignal.notify();
  }

  /** With no configured models the pool serves whatever its connected workers report. */
  serves(model: string): boolean {
    if (this.record.models.length > 0) return this.matcher.matches(model);
    for (const connection of this.connections.values()) if (connection.hello.models.includes(model)) return true;
    return false;
  }

  listModels(): string[] {
    if (this.record.models.length > 0) return this.matcher.concreteNames();
    return [...new Set([...this.connections.values()].flatMap((connection) => connection.hello.models))];
  }

  /**
   * Claude Code runs its own agent loop with its own tools; a caller's declared tools could never
   * be called back, so such requests go to the GPU or cloud tiers instead.
   */
  refusal(request: ChatRequest): string | undefined {
    if (this.record.kind === 'cli-worker' && request.tools.length > 0) {
      return 'CLI workers run their own tools; requests that declare tools are served by other tiers';
    }
    return undefined;
  }

  priceOverrides(): Readonly<Record<string, ModelPrice>> | undefined {
    return this.record.settings.prices;
  }

  workers(): WorkerConnection[] {
    return [...this.connections.values()];
  }

  capacity(): ProviderCapacity {
    if (this.connections.size === 0) return { state: 'down', inFlight: 0, limit: 0 };
    const now = this.dependencies.clock.now();
    let free = 0;
    let inFlight = 0;
    let limit = 0;
    for (const connection of this.connections.values()) {
      free += connection.freeSlots(now, this.policy.maxSlots);
      inFlight += connection.reserved;
      limit += connection.slots;
    }
    return { state: free > 0 ? 'ready' : 'saturated', inFlight, limit };
  }

  tryAcquire(): CapacityLease | undefined {
    const now = this.dependencies.clock.now();
    let best: WorkerConnection | undefined;
    let bestFree = 0;
    for (const connection of this.connections.values()) {
      const free = connection.freeSlots(now, this.policy.maxSlots);
      if (free > bestFree) {
        best = connection;
        bestFree = free;
      }
    }
    if (best === undefined) return undefined;
    const connection = best;
    connection.reserved++;
    let released = false;
    return {
      workerId: connection.id,
      release: () => {
        if (released) return;
        released = true;
        connection.reserved--;
        this.dependencies.capacitySignal.notify();
      },
    };
  }

  async open(call: ProviderCall): Promise<ProviderResponse> {
    const connection = call.lease.workerId === undefined ? undefined : this.connections.get(call.lease.workerId);
    if (connection === undefined) {
      call.lease.release();
      throw new GatewayError('upstream_error', `The worker chosen for this request left ${this.name}`, { retryable: true });
    }
    const jobId = this.dependencies.newId('job_');
    const channel = new JobChannel(jobId);
    connection.jobs.set(jobId, { channel, lease: call.lease });
    const cancel = (): void => {
      if (channel.isFinished) return;
      connection.send({ type: 'cancel', jobId });
      channel.cancel();
      this.finishJob(connection, jobId);
    };
    const onAbort = (): void => cancel();
    call.signal.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = this.record.settings.firstByteTimeoutMs ?? DEFAULT_FIRST_EVENT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      connection.send({ type: 'cancel', jobId });
      channel.fail(new GatewayError('upstream_timeout', `Worker ${connection.name} did not start answering within ${timeoutMs} ms`));
      this.finishJob(connection, jobId);
    }, timeoutMs);
    // A frozen worker keeps its socket open but reads nothing: without an acknowledgement the job is
    // taken back within seconds (not the heartbeat timeout) and the worker gets no more until it speaks.
    const { ackTimeoutMs } = this.dependencies;
    const ackTimer = setTimeout(() => {
      if (channel.isAcknowledged || channel.isFinished) return;
      connection.suspect = true;
      this.dependencies.logger.warn('worker did not acknowledge a job; taking it back', { worker: connection.name, workerId: connection.id, provider: this.name, ackTimeoutMs });
      connection.send({ type: 'cancel', jobId });
      channel.fail(new GatewayError('upstream_error', `Worker ${connection.name} did not acknowledge the job within ${ackTimeoutMs} ms`, { retryable: true }));
      this.finishJob(connection, jobId);
    }, ackTimeoutMs);
    connection.send({ type: 'job', jobId, model: call.model, request: toModelRequest(call.request), via: this.dependencies.hop.viaFor(call.request.source.via) });
    try {
      await channel.started;
    } catch (error) {
      call.signal.removeEventListener('abort', onAbort);
      this.finishJob(connection, jobId);
      throw error;
    } finally {
      clearTimeout(timer);
      clearTimeout(ackTimer);
    }
    return {
      type: 'stream',
      passthroughDialect: undefined,
      workerId: connection.id,
      costUsd: () => channel.costUsd,
      chunks: chunksOf(channel, () => call.signal.removeEventListener('abort', onAbort)),
      cancel,
    };
  }

  /** Called by the hub when a job's terminal message arrives or its worker leaves. */
  finishJob(connection: WorkerConnection, jobId: string): void {
    const job = connection.jobs.get(jobId);
    if (job === undefined) return;
    connection.jobs.delete(jobId);
    job.lease.release();
  }

  /** Returns the connection this one replaces (same worker key), already detached. */
  attach(connection: WorkerConnection): WorkerConnection | undefined {
    const previous = this.connections.get(connection.id);
    if (previous !== undefined) this.detach(previous, 'replaced by a new connection with the same key');
    this.connections.set(connection.id, connection);
    this.dependencies.capacitySignal.notify();
    return previous;
  }

  /** A worker left: unstarted jobs fail over elsewhere, started ones end with an in-stream error. */
  detach(connection: WorkerConnection, reason: string): void {
    if (this.connections.get(connection.id) !== connection) return;
    this.connections.delete(connection.id);
    for (const [jobId, job] of [...connection.jobs]) {
      job.channel.fail(new GatewayError('upstream_error', `Worker ${connection.name} disconnected (${reason})`, { retryable: true }));
      this.finishJob(connection, jobId);
    }
    for (const { pending } of connection.embeddings.values()) {
      pending.fail(new GatewayError('upstream_error', `Worker ${connection.name} disconnected (${reason})`, { retryable: true }));
    }
  }

  async close(): Promise<void> {
    this.dependencies.onClosed?.();
    for (const connection of [...this.connections.values()]) {
      this.detach(connection, 'provider removed');
      connection.close(CLOSE_CODES.providerRemoved, 'provider removed');
    }
  }
}

async function* chunksOf(channel: JobChannel, onEnd: () => void): AsyncGenerator<StreamChunk> {
  try {
    for await (const event of channel.events) yield { events: [event] };
  } finally {
    onEnd();
  }
}
