import { z } from 'zod';
import { GENERATE_KEY_COMMAND, isStrongSecret, MIN_ADMIN_KEY_LENGTH } from '../governance/secret-strength.js';
import { DEFAULT_ANSWER_LIMITS } from '../providers/answer-limits.js';
import { loadTracingConfig, type TracingConfig } from './tracing-config.js';

/** Everything `auxot serve` needs to start, read once from flags and the environment by the CLI. */
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
  /** Of one provider's waiting requests, how many one team may hold. */
  queueMaxWaitingPerTeam: number;
  /** A batch request waiting this long is served as interactive. */
  queueBatchAgingMs: number;
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  adminKey: string | undefined;
  masterKey: string | undefined;
  openai: { apiKey: string; baseUrl: string | undefined } | undefined;
  anthropic: { apiKey: string; baseUrl: string | undefined } | undefined;
  /** The program's version, for documents the server describes itself in (the CLI sets it). */
  version?: string;
  /** When set, `GET /metrics` wants it as a Bearer token. */
  metricsToken: string | undefined;
  /** OpenTelemetry tracing; undefined (and nothing of OpenTelemetry loaded) without an OTLP endpoint. */
  tracing: TracingConfig | undefined;
  /** PATH handed to stdio MCP servers, the one variable of Auxot's own environment they get. */
  childPath: string;
  /** Where callers reach this server (behind a proxy or a DNS name), for hand-off summaries; else host and port. */
  publicUrl: string | undefined;
}

export type ConfigSource = Record<string, string | undefined>;

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, min === 0 && max === 65535 ? 'must be a port number from 0 to 65535' : `must be a whole number${min > 0 ? ` of at least ${min}` : ''}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const httpUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:\/\//.test(value), 'must be an http:// or https:// URL');

/**
 * Each setting: its flag (if it has one), its environment variable, its default and its schema.
 * Errors name the flag or variable the value came from (`AUXOT_PORT must be a port number…`),
 * never an internal field name.
 */
const SETTINGS = {
  host: { description: 'listen address (0.0.0.0: every interface)', flag: 'host', env: 'AUXOT_HOST', default: '0.0.0.0', schema: z.string().trim().min(1, 'must not be empty') },
  port: { description: 'listen port (0: any free port)', flag: 'port', env: 'AUXOT_PORT', default: '8420', schema: wholeNumber(0, 65535) },
  dataDir: { description: 'directory of the SQLite store and the master key file (created owner-only)', flag: 'data-dir', env: 'AUXOT_DATA_DIR', default: './.auxot', schema: z.string().trim().min(1, 'must not be empty') },
  maxBodyBytes: { description: 'largest request body accepted', flag: 'max-body-bytes', env: 'AUXOT_MAX_BODY_BYTES', default: String(32 * 1024 * 1024), schema: wholeNumber(1) },
  maxEventBytes: { description: 'largest SSE event an upstream may send (a line that never ends is cut there)', flag: 'max-event-bytes', env: 'AUXOT_MAX_EVENT_BYTES', default: String(DEFAULT_ANSWER_LIMITS.maxEventBytes), schema: wholeNumber(1) },
  maxAnswerBytes: { description: 'largest whole answer held for one request (non-streaming)', flag: 'max-answer-bytes', env: 'AUXOT_MAX_ANSWER_BYTES', default: String(DEFAULT_ANSWER_LIMITS.maxAnswerBytes), schema: wholeNumber(1) },
  workerHeartbeatMs: { description: 'how often workers must speak; silent for 3 intervals = down', flag: 'worker-heartbeat-ms', env: 'AUXOT_WORKER_HEARTBEAT_MS', default: '5000', schema: wholeNumber(1) },
  workerAckTimeoutMs: { description: 'how long a worker has to acknowledge a job before it is served elsewhere', flag: 'worker-ack-timeout-ms', env: 'AUXOT_WORKER_ACK_TIMEOUT_MS', default: '2000', schema: wholeNumber(1) },
  queueMaxWaitMs: { description: 'longest a request waits for capacity before 429 / overloaded', flag: 'queue-max-wait-ms', env: 'AUXOT_QUEUE_MAX_WAIT_MS', default: '30000', schema: wholeNumber(0) },
  queueMaxWaiting: { description: 'most requests waiting for one provider at once', flag: 'queue-max-waiting', env: 'AUXOT_QUEUE_MAX_WAITING', default: '1000', schema: wholeNumber(0) },
  queueMaxWaitingTotal: { description: 'most requests waiting in all (a memory guard)', flag: 'queue-max-waiting-total', env: 'AUXOT_QUEUE_MAX_WAITING_TOTAL', default: '10000', schema: wholeNumber(0) },
  queueMaxWaitingPerTeam: { description: "most requests one team may have waiting for one provider", flag: 'queue-max-waiting-per-team', env: 'AUXOT_QUEUE_MAX_WAITING_PER_TEAM', default: '500', schema: wholeNumber(1) },
  queueBatchAgingMs: { description: 'a batch request waiting this long is served as interactive', flag: 'queue-batch-aging-ms', env: 'AUXOT_QUEUE_BATCH_AGING_MS', default: '10000', schema: wholeNumber(0) },
  breakerFailureThreshold: { description: "consecutive failures that open a provider's circuit", flag: 'breaker-failures', env: 'AUXOT_BREAKER_FAILURES', default: '3', schema: wholeNumber(1) },
  breakerCooldownMs: { description: 'how long an open circuit waits before a trial request', flag: 'breaker-cooldown-ms', env: 'AUXOT_BREAKER_COOLDOWN_MS', default: '30000', schema: wholeNumber(1) },
  openaiBaseUrl: { description: 'base URL for the provider added from OPENAI_API_KEY', flag: undefined, env: 'OPENAI_BASE_URL', default: undefined, schema: httpUrl },
  publicUrl: { description: 'the URL callers reach Auxot at (for hand-off summaries; default: http://<host>:<port>)', flag: 'public-url', env: 'AUXOT_PUBLIC_URL', default: undefined, schema: httpUrl },
  anthropicBaseUrl: { description: 'base URL for the provider added from ANTHROPIC_API_KEY', flag: undefined, env: 'ANTHROPIC_BASE_URL', default: undefined, schema: httpUrl },
} as const;

type SettingName = keyof typeof SETTINGS;
type Settings = { [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> | ((typeof SETTINGS)[K]['default'] extends undefined ? undefined : never) };

/** The settings `auxot serve` takes as flags, with their variables and defaults (for its --help). */
export const SERVE_FLAGS = Object.values(SETTINGS).filter((setting) => setting.flag !== undefined);

/**
 * Flags win over environment variables, which win over defaults. Returns every problem at once
 * rather than stopping at the first.
 */
export function loadServerConfig(env: ConfigSource, flags: ConfigSource): { config?: ServerConfig; problems: string[] } {
  const problems: string[] = [];
  const values: Partial<Record<SettingName, unknown>> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[SettingName, (typeof SETTINGS)[SettingName]]>) {
    const fromFlag = setting.flag === undefined ? undefined : flags[setting.flag];
    const fromEnv = blankToUndefined(env[setting.env]);
    const raw = fromFlag ?? fromEnv ?? setting.default;
    if (raw === undefined) continue;
    const parsed = (setting.schema as z.ZodType<unknown, string>).safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
      continue;
    }
    const origin = fromFlag !== undefined ? `--${setting.flag}` : setting.env;
    problems.push(`${origin} ${parsed.error.issues[0]?.message ?? 'is invalid'} (got ${JSON.stringify(raw)})`);
  }
  const adminKey = blankToUndefined(env.AUXOT_ADMIN_KEY);
  if (adminKey !== undefined && !isStrongSecret(adminKey)) {
    problems.push(`AUXOT_ADMIN_KEY must be at least ${MIN_ADMIN_KEY_LENGTH} characters of random text (it becomes an owner key); generate one with: ${GENERATE_KEY_COMMAND}`);
  }
  const tracing = loadTracingConfig(env);
  problems.push(...tracing.problems);
  if (problems.length > 0) return { problems };
  const value = values as Settings;
  const openaiApiKey = blankToUndefined(env.OPENAI_API_KEY);
  const anthropicApiKey = blankToUndefined(env.ANTHROPIC_API_KEY);
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
      queueMaxWaitingPerTeam: value.queueMaxWaitingPerTeam,
      queueBatchAgingMs: value.queueBatchAgingMs,
      breakerFailureThreshold: value.breakerFailureThreshold,
      breakerCooldownMs: value.breakerCooldownMs,
      adminKey,
      masterKey: blankToUndefined(env.AUXOT_MASTER_KEY),
      openai: openaiApiKey === undefined ? undefined : { apiKey: openaiApiKey, baseUrl: value.openaiBaseUrl },
      anthropic: anthropicApiKey === undefined ? undefined : { apiKey: anthropicApiKey, baseUrl: value.anthropicBaseUrl },
      metricsToken: blankToUndefined(env.AUXOT_METRICS_TOKEN),
      tracing: tracing.config,
      childPath: blankToUndefined(env.PATH) ?? '/usr/local/bin:/usr/bin:/bin',
      publicUrl: value.publicUrl?.replace(/\/+$/, ''),
    },
  };
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
