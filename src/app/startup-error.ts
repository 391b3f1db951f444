import { join } from 'node:path';
import type { ServerConfig } from '../config/server-config.js';

/**
 * Start-up failed for a reason the operator can fix: the message names the setting or file and
 * what to do, and is printed as one line without a stack.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error).code) : undefined;
}

const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
  ENOSPC: 'the disk is full',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_NOTADB: 'auxot.db is not a SQLite database',
  SQLITE_CORRUPT: 'auxot.db is damaged',
};

/** The data directory (or a file in it) cannot be created, opened or written. */
export function dataDirectoryError(config: ServerConfig, error: unknown): StartupError | undefined {
  const code = errorCode(error);
  const problem = code === undefined ? undefined : FILE_PROBLEMS[code];
  if (problem === undefined) return undefined;
  return new StartupError(
    `cannot use the data directory ${config.dataDir} (--data-dir / AUXOT_DATA_DIR): ${problem}; ` +
      'point it at a directory the auxot user can write, or fix its owner and mode (it is created owner-only, 0700)',
    { cause: error },
  );
}

/** The master key is malformed, or is not the key this data directory's secrets were sealed with. */
export function masterKeyError(config: ServerConfig, problem: 'malformed' | 'wrong', error: unknown): StartupError {
  const source = config.masterKey === undefined ? `the key file ${join(config.dataDir, 'master.key')}` : 'AUXOT_MASTER_KEY';
  if (problem === 'malformed') {
    return new StartupError(`${source} must hold a 32-byte key, base64 or hex; make one with: openssl rand -base64 32`, { cause: error });
  }
  return new StartupError(
    `${source} does not open the provider secrets stored in ${join(config.dataDir, 'auxot.db')}: ` +
      'set AUXOT_MASTER_KEY to the key this data directory was created with (or restore its master.key file)',
    { cause: error },
  );
}

/** The listen socket cannot be opened. */
export function listenError(config: ServerConfig, error: unknown): StartupError | undefined {
  const where = `${config.host}:${config.port}`;
  switch (errorCode(error)) {
    case 'EADDRINUSE':
      return new StartupError(`port ${config.port} on ${config.host} is already in use (another auxot or service?); stop it, or choose another port with --port / AUXOT_PORT`, { cause: error });
    case 'EACCES':
      return new StartupError(`not allowed to listen on ${where}: ports below 1024 need privileges; use a higher --port / AUXOT_PORT and put a reverse proxy in front`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(`cannot listen on ${where}: ${config.host} is not an address of this machine; check --host / AUXOT_HOST`, { cause: error });
    default:
      return undefined;
  }
}
