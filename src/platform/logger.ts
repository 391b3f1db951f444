import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { BatchedFdWriter } from './batched-fd-writer.js';
import { formatPrettyLine } from './log-format.js';
import { scrubSecrets } from './log-redaction.js';

/**
 * Structured logs (pino). Fields are data, not prose: `logger.info('worker connected', { workerId })`.
 * An `error` or `err` field holding an Error is written with its type, message and stack. Secrets
 * must never be passed in fields; as a second line of defence, fields named like secrets are
 * censored and key-shaped strings are masked in every line (see log-redaction.ts).
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `bindings` (e.g. `{ component: 'worker-hub' }`). */
  child(bindings: Record<string, unknown>): Logger;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
/** `json`: one JSON object per line (for collectors); `pretty`: aligned, coloured text for a terminal. */
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  /** Lowest level written (default info). */
  level?: LogLevel;
  /** Default: pretty when writing to a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Where lines go (default: stderr). Each call receives one whole line ending in a newline. */
  write?: (line: string) => void;
  /** Colours in the pretty format (default: when writing to a terminal; the CLI passes false for NO_COLOR). */
  color?: boolean;
}

/** Field names censored whatever their value, at the top of a line's fields and two levels into objects. */
const CENSORED_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'apiKey',
  'api_key',
  'secret',
  'password',
  'token',
  'authorization',
  'masterKey',
  'adminKey',
  'workerKey',
  'x-api-key',
]);
const CENSORED_DEPTH = 2;
const CENSOR = '[redacted]';

/** Accepts a line writer directly too, as `createLogger((line) => …)` (tests collect lines so). */
export function createLogger(options: LoggerOptions | ((line: string) => void) = {}): Logger {
  const settings: LoggerOptions = typeof options === 'function' ? { write: options } : options;
  const toTerminal = settings.write === undefined && process.stderr.isTTY;
  const format = settings.format ?? (toTerminal ? 'pretty' : 'json');
  const color = settings.color ?? toTerminal;
  const write = settings.write ?? standardErrorWriter();
  const destination: DestinationStream = {
    write: format === 'json' ? (line) => write(scrubSecrets(line)) : (line) => write(scrubSecrets(formatPrettyLine(line, color))),
  };
  const root = pino(
    {
      level: settings.level ?? 'info',
      timestamp: isoTimeField,
      formatters: { level: (label) => ({ level: label }), log: (fields) => censorFields(fields, 0) },
      serializers: { err: stdSerializers.err, error: serializeError },
    },
    destination,
  );
  return wrap(root);
}

/**
 * Lines to stderr without blocking the event loop, in batches of about 8 KiB (twenty request
 * lines) or every 50 ms, each written with one non-blocking `write(2)` (batched-fd-writer.ts,
 * decisions 51 and 65). One writer per process, so lines from every logger keep their order, and
 * whatever is queued is written when the process exits, however it exits. A 64 KiB write would
 * fill a pipe whole: Node prints a crash to the same descriptor and loses the message when the
 * pipe is full (decision 51), so batches stay small.
 */
function standardErrorWriter(): (line: string) => void {
  if (stderrWriter === undefined) {
    const writer = new BatchedFdWriter(2);
    process.once('exit', () => writer.flushSync());
    stderrWriter = writer;
  }
  const writer = stderrWriter;
  return (line) => writer.write(line);
}
let stderrWriter: BatchedFdWriter | undefined;

/** Lines the stderr writer has dropped so far (a reader far behind, or gone): for the metrics. */
export function droppedLogLines(): number {
  return stderrWriter?.dropped ?? 0;
}

/**
 * pino's `isoTime`, formatted once per millisecond: under load many lines share a millisecond, and
 * `toISOString` was about 1 % of a request.
 */
function isoTimeField(): string {
  const now = Date.now();
  if (now !== lastTimeMs) {
    lastTimeMs = now;
    lastTimeField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTimeField;
}
let lastTimeMs = Number.NaN;
let lastTimeField = '';

/**
 * Replaces the values of fields named like secrets. Written by hand rather than pino's `redact`
 * paths, which cost about 5 % of the server's CPU on the one-line-per-request path; here a line
 * without such fields costs one set lookup per field and is not copied.
 */
function censorFields(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  let censored: Record<string, unknown> | undefined;
  for (const name in fields) {
    const value = fields[name];
    let replacement: unknown = value;
    if (CENSORED_FIELDS.has(name)) replacement = CENSOR;
    else if (depth < CENSORED_DEPTH && isPlainObject(value)) replacement = censorFields(value, depth + 1);
    if (replacement !== value) {
      censored ??= { ...fields };
      censored[name] = replacement;
    }
  }
  return censored ?? fields;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A logger that drops everything (for code paths that are given none). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

function wrap(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => (fields === undefined ? logger.debug(message) : logger.debug(fields, message)),
    info: (message, fields) => (fields === undefined ? logger.info(message) : logger.info(fields, message)),
    warn: (message, fields) => (fields === undefined ? logger.warn(message) : logger.warn(fields, message)),
    error: (message, fields) => (fields === undefined ? logger.error(message) : logger.error(fields, message)),
    child: (bindings) => wrap(logger.child(bindings)),
  };
}

/** Errors keep their stack; anything else (a string already made from one) is written as it is. */
function serializeError(value: unknown): unknown {
  return value instanceof Error ? stdSerializers.err(value) : value;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}
