/** One line per event on stderr: `time level message key=value…`. Never pass secrets in fields. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const log = (level: string, message: string, fields?: Record<string, unknown>): void => {
    let line = `${new Date().toISOString()} ${level} ${message}`;
    if (fields !== undefined) {
      for (const [key, value] of Object.entries(fields)) line += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    }
    write(`${line}\n`);
  };
  return {
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}
