import { z } from 'zod';
import { GENERATE_KEY_COMMAND, isStrongSecret, MIN_ADMIN_KEY_LENGTH } from '../governance/secret-strength.js';
import { DEFAULT_ANSWER_LIMITS } from '../providers/answer-limits.js';

/** Everything `auxot serve` needs to start, read once from flags and the environment by `main.ts`. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  maxBodyBytes: number;
  /** What one request may hold of an upstream's answer (an unfinished SSE event; a whole answer). */
  maxEventBytes: number;
  maxAnswerBytes: number;
  /** How often workers must speak; one silent for three intervals is dropped. */
  workerHeartbeatMs: number;
  /** How long a worker has to acknowledge a job before it is taken back and served elsewhere. */
  workerAckTimeoutMs: number;
  queueMaxWaitMs: number;
  /** Requests that may wait for one provider, and for all of them together (a memory guard). */
  queueMaxWaiting: number;
  queueMaxWaitingTotal: number;
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  adminKey: string | undefined;
  masterKey: string | undefined;
  openai: { apiKey: string; baseUrl: string | undefined } | undefined;
  anthropic: { apiKey: string; baseUrl: string | undefined } | undefined;
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const schema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  dataDir: z.string().min(1),
  maxBodyBytes: z.coerce.number().int().positive(),
  maxEventBytes: z.coerce.number().int().positive(),
  maxAnswerBytes: z.coerce.number().int().positive(),
  workerHeartbeatMs: z.coerce.number().int().positive(),
  workerAckTimeoutMs: z.coerce.number().int().positive(),
  queueMaxWaitMs: z.coerce.number().int().nonnegative(),
  queueMaxWaiting: z.coerce.number().int().nonnegative(),
  queueMaxWaitingTotal: z.coerce.number().int().nonnegative(),
  breakerFailureThreshold: z.coerce.number().int().positive(),
  breakerCooldownMs: z.coerce.number().int().positive(),
  adminKey: optionalText.refine((value) => value === undefined || isStrongSecret(value), {
    message: `AUXOT_ADMIN_KEY must be at least ${MIN_ADMIN_KEY_LENGTH} characters of random text (it becomes an owner key); generate one with: ${GENERATE_KEY_COMMAND}`,
  }),
  masterKey: optionalText,
  openaiApiKey: optionalText,
  openaiBaseUrl: optionalText,
  anthropicApiKey: optionalText,
  anthropicBaseUrl: optionalText,
});

export type ConfigSource = Record<string, string | undefined>;

/**
 * Flags win over environment variables, which win over defaults. Returns every problem at once
 * rather than stopping at the first.
 */
export function loadServerConfig(env: ConfigSource, flags: ConfigSource): { config?: ServerConfig; problems: string[] } {
  const result = schema.safeParse({
    host: flags.host ?? env.AUXOT_HOST ?? '0.0.0.0',
    port: flags.port ?? env.AUXOT_PORT ?? '8420',
    dataDir: flags['data-dir'] ?? env.AUXOT_DATA_DIR ?? './.auxot',
    maxBodyBytes: flags['max-body-bytes'] ?? env.AUXOT_MAX_BODY_BYTES ?? String(32 * 1024 * 1024),
    maxEventBytes: env.AUXOT_MAX_EVENT_BYTES ?? String(DEFAULT_ANSWER_LIMITS.maxEventBytes),
    maxAnswerBytes: env.AUXOT_MAX_ANSWER_BYTES ?? String(DEFAULT_ANSWER_LIMITS.maxAnswerBytes),
    workerHeartbeatMs: env.AUXOT_WORKER_HEARTBEAT_MS ?? '5000',
    workerAckTimeoutMs: env.AUXOT_WORKER_ACK_TIMEOUT_MS ?? '2000',
    queueMaxWaitMs: env.AUXOT_QUEUE_MAX_WAIT_MS ?? '30000',
    queueMaxWaiting: env.AUXOT_QUEUE_MAX_WAITING ?? '1000',
    queueMaxWaitingTotal: env.AUXOT_QUEUE_MAX_WAITING_TOTAL ?? '10000',
    breakerFailureThreshold: env.AUXOT_BREAKER_FAILURES ?? '3',
    breakerCooldownMs: env.AUXOT_BREAKER_COOLDOWN_MS ?? '30000',
    adminKey: env.AUXOT_ADMIN_KEY,
    masterKey: env.AUXOT_MASTER_KEY,
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseUrl: env.OPENAI_BASE_URL,
    anthropicApiKey: env.ANTHROPIC_API_KEY,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
  });
  if (!result.success) {
    return { problems: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  }
  const value = result.data;
  return {
    problems: [],
    config: {
      host: value.host,
      port: value.port,
      dataDir: value.dataDir,
      maxBodyBytes: value.maxBodyBytes,
      maxEventBytes: value.maxEventBytes,
      maxAnswerBytes: value.maxAnswerBytes,
      workerHeartbeatMs: value.workerHeartbeatMs,
      workerAckTimeoutMs: value.workerAckTimeoutMs,
      queueMaxWaitMs: value.queueMaxWaitMs,
      queueMaxWaiting: value.queueMaxWaiting,
      queueMaxWaitingTotal: value.queueMaxWaitingTotal,
      breakerFailureThreshold: value.breakerFailureThreshold,
      breakerCooldownMs: value.breakerCooldownMs,
      adminKey: value.adminKey,
      masterKey: value.masterKey,
      openai: value.openaiApiKey === undefined ? undefined : { apiKey: value.openaiApiKey, baseUrl: value.openaiBaseUrl },
      anthropic: value.anthropicApiKey === undefined ? undefined : { apiKey: value.anthropicApiKey, baseUrl: value.anthropicBaseUrl },
    },
  };
}
