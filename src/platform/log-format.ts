/**
 * The terminal format: `12:03:04.512 INFO  message  key=value …`, the stack of an error field on
 * the lines below. A few lines instead of pino-pretty: it runs in the writing thread (no
 * transport worker) and needs nothing beyond the JSON line pino already made.
 */
const LEVEL_STYLE: Record<string, { label: string; color: string }> = {
  trace: { label: 'TRACE', color: '90' },
  debug: { label: 'DEBUG', color: '90' },
  info: { label: 'INFO ', color: '32' },
  warn: { label: 'WARN ', color: '33' },
  error: { label: 'ERROR', color: '31' },
  fatal: { label: 'FATAL', color: '35' },
};

/** Keys every line has; shown in the prefix, not repeated as fields. */
const PREFIX_KEYS = new Set(['time', 'level', 'msg', 'pid', 'hostname']);

export function formatPrettyLine(jsonLine: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const paint = (code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const style = LEVEL_STYLE[String(entry.level)] ?? { label: String(entry.level).toUpperCase().padEnd(5), color: '0' };
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const stacks: string[] = [];
  const fields: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (PREFIX_KEYS.has(key)) continue;
    if (isSerializedError(value)) {
      fields.push(`${key}=${quote(value.message)}`);
      if (typeof value.stack === 'string') stacks.push(value.stack);
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' ? quote(value) : JSON.stringify(value)}`);
  }
  const head = `${paint('90', time)} ${paint(style.color, style.label)} ${typeof entry.msg === 'string' ? entry.msg : ''}`;
  const body = fields.length === 0 ? '' : `  ${paint('36', fields.join(' '))}`;
  const tail = stacks.map((stack) => `\n${indent(stack)}`).join('');
  return `${head}${body}${tail}\n`;
}

function isSerializedError(value: unknown): value is { message: string; stack?: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value && 'type' in value && typeof (value as { message: unknown }).message === 'string';
}

function quote(text: string): string {
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
