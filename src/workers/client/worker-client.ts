import WebSocket from 'ws';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { emptyUsage, mergeUsage, type Usage } from '../../canonical/usage.js';
import type { Logger } from '../../platform/logger.js';
import { EngineOverloadedError, type InferenceEngine } from '../inference-engine.js';
import { toWireEvent } from '../protocol/canonical-schemas.js';
import { sendEmbeddings } from './embed-job-runner.js';
import {
  CLOSE_CODES,
  EMBEDDINGS_FEATURE,
  parseFrame,
  serverToWorkerSchema,
  WORKER_PROTOCOL_VERSION,
  type ServerToWorker,
  type WorkerToServer,
} from '../protocol/messages.js';
import { nextReconnectDelay } from './reconnect-backoff.js';

export interface WorkerClientOptions {
  /** The Auxot server: http(s):// or ws(s)://; the worker dials `<server>/ws`. */
  serverUrl: string;
  key: string;
  /** Absent: the server names the worker after its key. */
  name?: string;
  engineKind: 'llama.cpp' | 'openai-compatible' | 'claude-code';
  engine: InferenceEngine;
  logger: Logger;
  /** Largest job message accepted from the server (requests can carry images). */
  maxPayloadBytes?: number;
}

/** Why the worker stopped for good (a reconnect would not help). */
export class WorkerRejectedError extends Error {}

/**
 * The worker end of the protocol: dials out to the server (so it works behind NAT), says hello with
 * its key, runs the jobs it is sent on its engine, streams their events back, heartbeats, and
 * reconnects with jittered backoff when the connection drops.
 */
export class WorkerClient {
  private socket: WebSocket | undefined;
  private readonly running = new Map<string, AbortController>();
  private stopped = false;
  private attempt = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  /** Settles when the worker stops: resolves on stop(), rejects when the server refuses it. */
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolveDone = resolve;
    this.rejectDone = reject;
  });

  constructor(private readonly options: WorkerClientOptions) {}

  start(): void {
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    for (const controller of this.running.values()) controller.abort();
    this.socket?.close(1000, 'worker stopping');
    await this.options.engine.close();
    this.resolveDone();
  }

  private connect(): void {
    const url = toSocketUrl(this.options.serverUrl);
    const socket = new WebSocket(url, { maxPayload: this.options.maxPayloadBytes ?? 64 * 1024 * 1024 });
    this.socket = socket;
    socket.on('open', () => {
      this.send({
        type: 'hello',
        protocol: WORKER_PROTOCOL_VERSION,
        key: this.options.key,
        ...(this.options.name === undefined ? {} : { name: this.options.name }),
        engine: this.options.engineKind,
        models: this.options.engine.models,
        slots: this.options.engine.slots,
        ...(this.options.engine.embed === undefined ? {} : { features: [EMBEDDINGS_FEATURE] }),
      });
    });
    socket.on('message', (data: WebSocket.RawData) => this.receive(rawText(data)));
    socket.on('error', (error: Error) => this.options.logger.warn('connection error', { server: url, error: error.message }));
    socket.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString('utf8')));
  }

  private receive(data: string): void {
    const parsed = parseFrame(serverToWorkerSchema, data);
    if (!parsed.ok) {
      this.options.logger.warn('ignoring a malformed message from the server', { error: parsed.error });
      return;
    }
    this.handle(parsed.message);
  }

  private handle(message: ServerToWorker): void {
    switch (message.type) {
      case 'hello-ack':
        this.attempt = 0;
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.send({ type: 'heartbeat', inFlight: this.running.size }), message.heartbeatIntervalMs);
        this.options.logger.info('connected', {
          workerId: message.workerId,
          worker: message.name ?? this.options.name,
          provider: message.provider.name,
          tier: message.provider.tier,
          models: this.options.engine.models,
          slots: this.options.engine.slots,
        });
        return;
      case 'job':
        this.send({ type: 'job-ack', jobId: message.jobId });
        void this.runJob(message);
        return;
      case 'cancel':
        this.running.get(message.jobId)?.abort();
        return;
      case 'embed':
        void this.runEmbedJob(message);
        return;
      case 'policy-update':
        this.options.logger.info('policy updated', { models: message.policy.models.join(',') });
        return;
    }
  }

  private async runJob({ jobId, model, request, via }: Extract<ServerToWorker, { type: 'job' }>): Promise<void> {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    const started = performance.now();
    let firstTokenMs: number | undefined;
    let usage: Usage = { ...emptyUsage };
    let costUsd: number | undefined;
    try {
      const events = this.options.engine.run({
        jobId,
        model,
        request,
        signal: controller.signal,
        ...(via === undefined ? {} : { via }),
        reportCost: (usd) => {
          costUsd = usd;
        },
      });
      for await (const event of events) {
        if (event.type === 'usage') usage = mergeUsage(usage, event.usage);
        // Cancelled: nothing more is sent, but the events are read until the engine has stopped,
        // for the usage it reports of what it did generate (logged below).
        if (controller.signal.aborted) continue;
        if (firstTokenMs === undefined && isContent(event)) firstTokenMs = performance.now() - started;
        this.send({ type: 'job-event', jobId, event: toWireEvent(event) });
      }
      if (controller.signal.aborted) {
        this.options.logger.info('job cancelled; the engine stopped', { jobId, outputTokens: usage.outputTokens });
        return;
      }
      this.send({
        type: 'job-done',
        jobId,
        usage,
        timings: { totalMs: performance.now() - started, ...(firstTokenMs === undefined ? {} : { firstTokenMs }) },
        ...(costUsd === undefined ? {} : { costUsd }),
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof EngineOverloadedError) {
        this.send({ type: 'overload', jobId, retryAfterMs: error.retryAfterMs, reason: error.message.slice(0, 1000) });
        return;
      }
      const failure = error instanceof GatewayError ? error : new GatewayError('upstream_error', error instanceof Error ? error.message : String(error));
      this.send({ type: 'job-failed', jobId, error: { code: failure.code, message: failure.message.slice(0, 4000), retryable: failure.retryable } });
    } finally {
      this.running.delete(jobId);
    }
  }

  private async runEmbedJob(job: Extract<ServerToWorker, { type: 'embed' }>): Promise<void> {
    const controller = new AbortController();
    this.running.set(job.jobId, controller);
    try {
      await sendEmbeddings(this.options.engine, job, controller.signal, (message) => this.send(message));
    } finally {
      this.running.delete(job.jobId);
    }
  }

  private onClose(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    // The server forgets our jobs when we go; stop working on them.
    for (const controller of this.running.values()) controller.abort();
    if (this.stopped) return;
    if (code === CLOSE_CODES.replaced) {
      this.stopped = true;
      this.rejectDone(new WorkerRejectedError('another worker connected with this key, so the server closed this connection; give each worker its own key (auxot workers add-key)'));
      return;
    }
    if (code === CLOSE_CODES.unauthorized || code === CLOSE_CODES.protocolError || code === CLOSE_CODES.providerRemoved) {
      this.stopped = true;
      this.rejectDone(new WorkerRejectedError(`the server refused this worker (${code}): ${reason}`));
      return;
    }
    const delay = nextReconnectDelay(this.attempt++);
    this.options.logger.warn('disconnected; reconnecting', { code, reason, inMs: Math.round(delay) });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private send(message: WorkerToServer): void {
    const socket = this.socket;
    if (socket !== undefined && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }
}

function isContent(event: ChatEvent): boolean {
  return event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call-start';
}

function toSocketUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  return url.toString();
}

/** A frame's text: ws hands over one Buffer, or its fragments, or an ArrayBuffer, depending on binaryType. */
function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
