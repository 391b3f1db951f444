import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { hashKeySecret } from '../../governance/api-key-secret.js';
import type { Clock } from '../../platform/clock.js';
import type { HopMarker } from '../../platform/hop-marker.js';
import type { Logger } from '../../platform/logger.js';
import { redactCredentials } from '../../platform/redact-credentials.js';
import type { CapacitySignal } from '../../providers/provider.js';
import type { ProviderRecord } from '../../store/records.js';
import type { WorkerKeyRepository } from '../../store/store.js';
import type { WireEvent } from '../protocol/canonical-schemas.js';
import { CLOSE_CODES, parseFrame, WORKER_PROTOCOL_VERSION, workerToServerSchema, type WorkerPolicy, type WorkerToServer } from '../protocol/messages.js';
import { endAfterCloseFrame } from './close-gracefully.js';
import { errorFromWire } from './job-channel.js';
import { WorkerConnection } from './worker-connection.js';
import { WorkerPoolProvider } from './worker-pool-provider.js';

export interface WorkerHubOptions {
  heartbeatIntervalMs: number;
  /** A worker silent for this long is considered dead. */
  heartbeatTimeoutMs: number;
  helloTimeoutMs: number;
  /** Largest frame a worker may send; `ws` would accept 100 MiB by default. */
  maxPayloadBytes: number;
  /** How long a worker has to acknowledge a job (it answers at once unless frozen or partitioned). */
  ackTimeoutMs: number;
}

export const DEFAULT_HUB_OPTIONS: WorkerHubOptions = {
  heartbeatIntervalMs: 5_000,
  heartbeatTimeoutMs: 15_000,
  helloTimeoutMs: 10_000,
  maxPayloadBytes: 1024 * 1024,
  ackTimeoutMs: 2_000,
};

export interface WorkerIdentity {
  workerId: string;
  name: string;
  provider: { name: string; kind: ProviderRecord['kind']; tier: ProviderRecord['tier'] };
  policy: WorkerPolicy;
}

export interface WorkerHubDependencies {
  workerKeys: WorkerKeyRepository;
  hop: HopMarker;
  capacitySignal: CapacitySignal;
  clock: Clock;
  logger: Logger;
  newId(prefix: string): string;
}

/**
 * The server end of the worker protocol: accepts worker sockets on `/ws`, authenticates their
 * `hello`, attaches them to their provider's pool, relays job messages, and drops workers that go
 * silent. Frames are untrusted: anything malformed or oversized closes the socket with a reason.
 */
export class WorkerHub {
  private readonly sockets: WebSocketServer;
  private readonly pools = new Map<string, WorkerPoolProvider>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly dependencies: WorkerHubDependencies,
    private readonly options: WorkerHubOptions = DEFAULT_HUB_OPTIONS,
  ) {
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.floor(options.heartbeatIntervalMs / 2)));
    this.sweeper.unref();
  }

  /** The live provider for a worker-tier record; the same pool object survives configuration changes. */
  poolFor(record: ProviderRecord): WorkerPoolProvider {
    const existing = this.pools.get(record.id);
    if (existing !== undefined) {
      existing.update(record);
      return existing;
    }
    const pool = new WorkerPoolProvider(record, { ...this.dependencies, ackTimeoutMs: this.options.ackTimeoutMs, onClosed: () => this.pools.delete(record.id) });
    this.pools.set(record.id, pool);
    return pool;
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(request, socket, head, (webSocket) => this.accept(webSocket, socket));
    });
  }

  /**
   * Who a worker key belongs to, for a worker to check its key before it loads a model; undefined
   * for an unknown or revoked key.
   */
  async identify(key: string): Promise<WorkerIdentity | undefined> {
    const record = await this.dependencies.workerKeys.findByHash(hashKeySecret(key));
    const pool = record === undefined || record.revokedAt !== null ? undefined : this.pools.get(record.providerId);
    if (record === undefined || pool === undefined) return undefined;
    return { workerId: record.id, name: record.name, provider: { name: pool.name, kind: pool.kind, tier: pool.tier }, policy: pool.policy };
  }

  connectedWorkers(): Array<{
    id: string;
    name: string;
    provider: string;
    engine: string;
    models: string[];
    slots: number;
    busy: number;
    suspect: boolean;
    connectedAt: string;
  }> {
    return [...this.pools.values()].flatMap((pool) =>
      pool.workers().map((connection) => ({
        id: connection.id,
        name: connection.name,
        provider: pool.name,
        engine: connection.hello.engine,
        models: connection.hello.models,
        slots: connection.slots,
        busy: connection.reserved,
        suspect: connection.suspect,
        connectedAt: new Date(connection.connectedAt).toISOString(),
      })),
    );
  }

  /**
   * A worker key was revoked: the workers using it are cut off at once. Their jobs that had not
   * started answering fail over to other candidates; started ones end with an in-stream error.
   */
  disconnectKey(keyId: string): void {
    for (const pool of this.pools.values()) {
      for (const connection of pool.workers()) {
        // A worker is known by its key's id.
        if (connection.id !== keyId) continue;
        pool.detach(connection, 'worker key revoked');
        connection.close(CLOSE_CODES.unauthorized, 'worker key revoked');
        this.dependencies.logger.info('worker disconnected: its key was revoked', { worker: connection.name, provider: pool.name });
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const pool of this.pools.values()) {
      for (const connection of pool.workers()) {
        pool.detach(connection, 'server shutting down');
        connection.close(CLOSE_CODES.shuttingDown, 'server shutting down');
      }
    }
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
  }

  private accept(socket: WebSocket, raw: Duplex): void {
    const helloTimer = setTimeout(() => socket.close(CLOSE_CODES.unauthorized, 'no hello received'), this.options.helloTimeoutMs);
    // Frames that arrive while the hello is being checked (a key lookup) wait here, in order.
    let pending: RawData[] | undefined;
    let deliver: ((frame: RawData) => void) | undefined;
    socket.on('message', (data: RawData) => {
      if (deliver !== undefined) {
        deliver(data);
        return;
      }
      if (pending !== undefined) {
        pending.push(data);
        return;
      }
      pending = [];
      clearTimeout(helloTimer);
      void this.greet(socket, raw, data)
        .then((receive) => {
          if (receive === undefined) return;
          deliver = receive;
          for (const frame of pending ?? []) receive(frame);
          pending = undefined;
        })
        .catch((error: unknown) => {
          this.dependencies.logger.error('worker hello failed', { error });
          socket.close(CLOSE_CODES.protocolError, 'internal error');
        });
    });
    // `ws` has already sent the close frame (1009 for an oversized frame, 1002/1007 for a bad one);
    // end the connection after it, never with a reset the worker could not read the reason through.
    socket.on('error', () => endAfterCloseFrame(raw));
  }

  /** Checks the hello; on success attaches the worker and returns the handler for its later frames. */
  private async greet(socket: WebSocket, raw: Duplex, data: RawData): Promise<((frame: RawData) => void) | undefined> {
    const parsed = parseFrame(workerToServerSchema, rawText(data));
    if (!parsed.ok || parsed.message.type !== 'hello') {
      socket.close(CLOSE_CODES.unauthorized, 'the first message must be a valid hello');
      return undefined;
    }
    const hello = parsed.message;
    if (hello.protocol !== WORKER_PROTOCOL_VERSION) {
      socket.close(CLOSE_CODES.protocolError, `unsupported protocol ${hello.protocol}; this server speaks ${WORKER_PROTOCOL_VERSION}`);
      return undefined;
    }
    const key = await this.dependencies.workerKeys.findByHash(hashKeySecret(hello.key));
    const pool = key === undefined || key.revokedAt !== null ? undefined : this.pools.get(key.providerId);
    if (key === undefined || pool === undefined) {
      this.dependencies.logger.warn('worker refused: unknown or revoked key', { worker: hello.name, engine: hello.engine });
      socket.close(CLOSE_CODES.unauthorized, 'invalid worker key');
      return undefined;
    }
    if (socket.readyState !== socket.OPEN) return undefined;
    const { clock, logger } = this.dependencies;
    const connection = new WorkerConnection(key.id, hello.name ?? key.name, pool.id, hello, socket, raw, clock.now());
    const who = { workerId: connection.id, worker: connection.name, provider: pool.name };
    socket.on('close', (code: number, reason: Buffer) => {
      pool.detach(connection, `socket closed (${code})`);
      logger.info('worker disconnected', { ...who, code, reason: reason.toString('utf8') || undefined });
    });
    connection.send({
      type: 'hello-ack',
      workerId: connection.id,
      name: connection.name,
      provider: { id: pool.id, name: pool.name, tier: pool.tier },
      policy: pool.policy,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
    });
    const replaced = pool.attach(connection);
    if (replaced !== undefined) {
      logger.warn('worker key connected again; closing the older connection', who);
      replaced.close(CLOSE_CODES.replaced, 'another worker connected with this key');
    }
    logger.info('worker connected', { ...who, engine: hello.engine, models: hello.models, slots: hello.slots });
    return (frame) => this.receive(pool, connection, frame);
  }

  private receive(pool: WorkerPoolProvider, connection: WorkerConnection, frame: RawData): void {
    const now = this.dependencies.clock.now();
    connection.lastSeen = now;
    if (connection.suspect) {
      // It speaks again: it may have jobs again.
      connection.suspect = false;
      this.dependencies.capacitySignal.notify();
    }
    const parsed = parseFrame(workerToServerSchema, rawText(frame));
    if (!parsed.ok) {
      pool.detach(connection, 'protocol error');
      connection.close(CLOSE_CODES.protocolError, parsed.error.slice(0, 120));
      return;
    }
    this.handle(pool, connection, parsed.message, now);
  }

  private handle(pool: WorkerPoolProvider, connection: WorkerConnection, message: WorkerToServer, now: number): void {
    switch (message.type) {
      case 'hello':
        pool.detach(connection, 'protocol error');
        connection.close(CLOSE_CODES.protocolError, 'hello sent twice');
        return;
      case 'heartbeat':
        return;
      case 'job-ack':
        connection.jobs.get(message.jobId)?.channel.acknowledge();
        return;
      case 'capacity':
        connection.slots = message.slots;
        this.dependencies.capacitySignal.notify();
        return;
      case 'job-event':
        connection.jobs.get(message.jobId)?.channel.event(fromWireEvent(message.event));
        return;
      case 'job-done': {
        const job = connection.jobs.get(message.jobId);
        if (job === undefined) return;
        job.channel.done(message.costUsd);
        pool.finishJob(connection, message.jobId);
        return;
      }
      case 'embed-result':
        connection.embeddings.get(message.jobId)?.pending.receive(message);
        return;
      case 'job-failed': {
        connection.embeddings.get(message.jobId)?.pending.fail(errorFromWire(message.error));
        const job = connection.jobs.get(message.jobId);
        if (job === undefined) return;
        job.channel.fail(errorFromWire(message.error));
        pool.finishJob(connection, message.jobId);
        return;
      }
      case 'overload': {
        const job = connection.jobs.get(message.jobId);
        connection.pausedUntil = now + message.retryAfterMs;
        setTimeout(() => this.dependencies.capacitySignal.notify(), message.retryAfterMs + 1).unref();
        if (job === undefined) return;
        job.channel.fail(
          new GatewayError('overloaded', `Worker ${connection.name} is over its limits: ${redactCredentials(message.reason)}`, { retryAfterMs: message.retryAfterMs }),
        );
        pool.finishJob(connection, message.jobId);
        return;
      }
    }
  }

  /** Workers that stopped talking (frozen, partitioned) are cut off; their jobs fail over or end. */
  private sweep(): void {
    const deadline = this.dependencies.clock.now() - this.options.heartbeatTimeoutMs;
    for (const pool of this.pools.values()) {
      for (const connection of pool.workers()) {
        if (connection.lastSeen >= deadline) continue;
        this.dependencies.logger.warn('worker missed its heartbeats', { workerId: connection.id, worker: connection.name, provider: pool.name });
        pool.detach(connection, 'missed heartbeats');
        connection.closeNow(CLOSE_CODES.heartbeatTimeout, 'missed heartbeats');
      }
    }
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function fromWireEvent(event: WireEvent): ChatEvent {
  if (event.type !== 'error') return event;
  return { type: 'error', error: errorFromWire(event.error) };
}
