import { z } from 'zod';
import { modelRequestSchema, wireErrorSchema, wireEventSchema } from './canonical-schemas.js';

/**
 * The worker protocol: one schema module imported by both the server's worker hub and the
 * `auxot worker` processes. Workers dial out to `/ws` (so they work behind NAT), authenticate in
 * their first message, and from then on exchange these JSON messages, one per WebSocket frame.
 */
/** 2: workers acknowledge each job at once (`job-ack`), so a job sent to a frozen worker is taken back quickly. */
export const WORKER_PROTOCOL_VERSION = 2;

/** The worker can run `embed` jobs (sent in hello's `features`). */
export const EMBEDDINGS_FEATURE = 'embeddings';

const jobId = z.string().min(1).max(200);
const usage = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative(),
  cacheWriteTokens: z.number().nonnegative(),
  reasoningTokens: z.number().nonnegative(),
});

/** What the server wants a worker to run; sent in hello-ack and again whenever it changes. */
export const workerPolicySchema = z.object({
  models: z.array(z.string()),
  /** The most jobs the server will send at once (the worker's own slot count caps it further). */
  maxSlots: z.number().int().positive().optional(),
});
export type WorkerPolicy = z.infer<typeof workerPolicySchema>;

export const workerToServerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocol: z.number().int(),
    key: z.string().min(1).max(500),
    /** Absent: the worker is known by its key's name. */
    name: z.string().min(1).max(200).optional(),
    engine: z.enum(['llama.cpp', 'openai-compatible', 'claude-code']),
    models: z.array(z.string().max(500)).max(1000),
    slots: z.number().int().positive().max(1024),
    /** What the worker can do beyond chat (`embeddings`); absent on workers that predate it. */
    features: z.array(z.string().max(50)).max(20).optional(),
  }),
  z.object({ type: z.literal('heartbeat'), inFlight: z.number().int().nonnegative() }),
  /** Sent the moment a job arrives, before any work: proof that the worker is alive and took it. */
  z.object({ type: z.literal('job-ack'), jobId }),
  z.object({ type: z.literal('capacity'), slots: z.number().int().nonnegative().max(1024) }),
  z.object({ type: z.literal('job-event'), jobId, event: wireEventSchema }),
  z.object({
    type: z.literal('job-done'),
    jobId,
    usage,
    timings: z.object({ firstTokenMs: z.number().nonnegative().optional(), totalMs: z.number().nonnegative() }),
    costUsd: z.number().nonnegative().optional(),
  }),
  z.object({ type: z.literal('job-failed'), jobId, error: wireErrorSchema }),
  z.object({ type: z.literal('overload'), jobId, retryAfterMs: z.number().nonnegative(), reason: z.string().max(1000) }),
  /**
   * Vectors `start`, `start+1`, ... of an embed job as base64 float32, in as many frames as the
   * frame limit needs; the last one says `done` and carries the token count.
   */
  z.object({
    type: z.literal('embed-result'),
    jobId,
    start: z.number().int().nonnegative(),
    vectors: z.array(z.string().max(1_000_000)).max(4096),
    done: z.boolean(),
    inputTokens: z.number().int().nonnegative().optional(),
  }),
]);
export type WorkerToServer = z.infer<typeof workerToServerSchema>;

export const serverToWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello-ack'),
    /** The worker's id (its key's id): the one `auxot workers list` and request records show. */
    workerId: z.string(),
    /** The name the server knows the worker by (the hello's, else the key's). */
    name: z.string().optional(),
    provider: z.object({ id: z.string(), name: z.string(), tier: z.enum(['gpu', 'cli', 'cloud']) }),
    policy: workerPolicySchema,
    heartbeatIntervalMs: z.number().int().positive(),
  }),
  z.object({
    type: z.literal('job'),
    jobId,
    model: z.string(),
    request: modelRequestSchema,
    /** The `Via` chain the worker sends with any model request it makes, so a loop back into Auxot is cut. */
    via: z.string().max(4000).optional(),
  }),
  z.object({ type: z.literal('cancel'), jobId }),
  z.object({
    type: z.literal('embed'),
    jobId,
    model: z.string(),
    input: z.array(z.string()).min(1).max(2048),
    dimensions: z.number().int().positive().optional(),
    /** The hop chain, sent on to the worker's own upstream so it can refuse a loop. */
    via: z.string().max(4000).optional(),
  }),
  z.object({ type: z.literal('policy-update'), policy: workerPolicySchema }),
]);
export type ServerToWorker = z.infer<typeof serverToWorkerSchema>;

/** WebSocket close codes the server uses, so a worker can tell "fix your key" from "reconnect". */
export const CLOSE_CODES = {
  unauthorized: 4001,
  protocolError: 4002,
  heartbeatTimeout: 4003,
  providerRemoved: 4004,
  shuttingDown: 4005,
  /** Another connection presented the same worker key; the newer one stays. */
  replaced: 4006,
} as const;

/** Parses one frame; returns the zod error text instead of throwing. */
export function parseFrame<T>(schema: z.ZodType<T>, data: string): { ok: true; message: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: 'frame is not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, error: result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
}
