import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Principal } from '../../governance/principal.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Resolver } from '../../platform/outbound-address.js';
import { redactCredentials } from '../../platform/redact-credentials.js';
import type { SecretVault } from '../../secrets/secret-vault.js';
import type { OwnerScope } from '../../store/agent-records.js';
import type { McpConnectionRecord, McpTransportConfig } from '../../store/secret-records.js';
import { McpSession, type SessionEvents } from './mcp-session.js';
import { loadMcpSdk } from './sdk.js';
import { referencedSecrets, withSecrets } from './secret-references.js';
import type { CleanStdioTransport } from './stdio-transport.js';
import { canonicalJson } from './tool-definition.js';
import { redactValues } from './tool-result.js';

export interface McpPoolOptions {
  /** stdio servers each run in `<dataDir>/mcp/<connection id>`. */
  dataDir: string;
  /** The PATH stdio servers get (their only variable besides those configured). */
  childPath: string;
  connectTimeoutMs: number;
  /** A connection unused this long is closed. */
  idleMs: number;
  clientVersion: string;
}

export interface McpPoolDependencies {
  vault: SecretVault;
  /** The organization's outbound allow list (read at connect time, so a change applies to the next connection). */
  outboundAllowList(orgId: string): Promise<readonly string[]>;
  clock: Clock;
  logger: Logger;
  /** DNS for Streamable HTTP targets (the system's by default). */
  resolve?: Resolver;
}

export const DEFAULT_POOL_OPTIONS: Omit<McpPoolOptions, 'dataDir' | 'childPath'> = { connectTimeoutMs: 20_000, idleMs: 10 * 60_000, clientVersion: 'dev' };

/** The server could not be reached, or a secret it needs is missing. The message is safe for the model. */
export class McpUnavailableError extends Error {
  override readonly name = 'McpUnavailableError';
}

/**
 * Live MCP connections, reused across runs. A connection is keyed by its configuration version
 * and a hash of the values injected into it, so callers whose credentials differ (a person's own
 * token) get their own connection and everyone else shares one. A connection that dies is
 * forgotten at once: calls in flight fail and the next call connects again. Idle connections close.
 */
export class McpConnectionPool {
  readonly events = new EventEmitter<SessionEvents>();
  private readonly sessions = new Map<string, McpSession>();
  private readonly connecting = new Map<string, Promise<McpSession>>();
  private readonly sweep: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly options: McpPoolOptions,
    private readonly dependencies: McpPoolDependencies,
  ) {
    this.sweep = setInterval(() => this.closeIdle(), Math.max(1_000, options.idleMs / 2));
    this.sweep.unref();
  }

  /**
   * A ready session for `connection` as `principal` uses it: secrets are resolved now (the caller's
   * own first, then the connection's scope) and injected only into the transport.
   */
  async acquire(connection: McpConnectionRecord, principal: Principal, signal: AbortSignal): Promise<McpSession> {
    if (this.closed) throw new McpUnavailableError('the server is shutting down');
    const names = referencedSecrets(connection.transport);
    const resolved = await this.dependencies.vault.resolve(connection.orgId, names, secretScopes(connection, principal));
    if (resolved.missing.length > 0) {
      throw new McpUnavailableError(`MCP connection '${connection.name}' needs secret${resolved.missing.length === 1 ? '' : 's'} ${resolved.missing.map((name) => `'${name}'`).join(', ')}, which ${resolved.missing.length === 1 ? 'is' : 'are'} not set in its scope`);
    }
    const values = new Map([...resolved.values].map(([name, entry]) => [name, entry.value]));
    const transport = withSecrets(connection.transport, values);
    const key = `${connection.id}@${connection.updatedAt}#${createHash('sha256').update(canonicalJson(transport)).digest('hex')}`;
    const existing = this.sessions.get(key);
    if (existing?.alive === true) return existing;
    let pending = this.connecting.get(key);
    if (pending === undefined) {
      this.retireOlder(connection);
      pending = this.connect(key, connection, transport, [...values.values()]).finally(() => this.connecting.delete(key));
      this.connecting.set(key, pending);
    }
    return raceAbort(pending, signal);
  }

  /** Drops a session whose connection failed; the next acquire connects anew. */
  async discard(session: McpSession): Promise<void> {
    session.alive = false;
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
    await session.client.close().catch(() => undefined);
  }

  /** Closes every session of a connection (it was changed or deleted). */
  async closeConnection(connectionId: string): Promise<void> {
    await Promise.all([...this.sessions.values()].filter((session) => session.connection.id === connectionId).map((session) => this.discard(session)));
  }

  /** The live sessions of a connection, by name (diagnostics and tests). */
  sessionsOf(connectionName: string): McpSession[] {
    return [...this.sessions.values()].filter((session) => session.connection.name === connectionName && session.alive);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    await Promise.allSettled([...this.connecting.values()]);
    await Promise.all([...this.sessions.values()].map((session) => this.discard(session)));
  }

  private async connect(key: string, connection: McpConnectionRecord, transportConfig: McpTransportConfig, secrets: string[]): Promise<McpSession> {
    const { logger, clock } = this.dependencies;
    const { Client, CleanStdioTransport, pinnedHttpTransport, ToolListChangedNotificationSchema } = await loadMcpSdk();
    const fields = { connection: connection.name, transport: transportConfig.type };
    let transport: Transport;
    let stdio: CleanStdioTransport | undefined;
    let dispose = async (): Promise<void> => undefined;
    if (transportConfig.type === 'stdio') {
      const cwd = join(this.options.dataDir, 'mcp', connection.id);
      mkdirSync(cwd, { recursive: true, mode: 0o700 });
      stdio = new CleanStdioTransport({ command: transportConfig.command, args: transportConfig.args, env: { PATH: this.options.childPath, ...transportConfig.env }, cwd });
      transport = stdio;
    } else {
      try {
        const http = await pinnedHttpTransport(transportConfig.url, transportConfig.headers, await this.dependencies.outboundAllowList(connection.orgId), this.dependencies.resolve);
        transport = http.transport;
        dispose = http.dispose;
      } catch (error) {
        throw new McpUnavailableError(`MCP connection '${connection.name}': ${safeMessage(error, secrets)}`);
      }
    }
    const client = new Client({ name: 'auxot', version: this.options.clientVersion }, { capabilities: {} });
    const session = new McpSession(key, connection, client, secrets, this.events, () => clock.now(), () => stdio?.pid);
    client.onerror = (error) => logger.debug('mcp connection error', { ...fields, error: safeMessage(error, secrets) });
    client.onclose = () => {
      const unexpected = session.alive;
      session.alive = false;
      if (this.sessions.get(key) === session) this.sessions.delete(key);
      void dispose();
      if (unexpected && !this.closed) logger.warn('mcp server connection lost; the next call reconnects', { ...fields, ...(stdio === undefined ? {} : { stderr: safeMessage(stdio.stderrTail(), secrets) }) });
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => session.forgetTools());
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
    } catch (error) {
      session.alive = false;
      await client.close().catch(() => undefined);
      await dispose();
      const stderr = stdio?.stderrTail().trim();
      throw new McpUnavailableError(`Cannot connect to MCP server '${connection.name}': ${safeMessage(error, secrets)}${stderr === undefined || stderr === '' ? '' : ` (stderr: ${safeMessage(stderr.slice(-500), secrets)})`}`);
    }
    if (this.closed) {
      await this.discard(session);
      throw new McpUnavailableError('the server is shutting down');
    }
    this.sessions.set(key, session);
    logger.info('mcp server connected', { ...fields, ...(stdio?.pid === undefined ? {} : { pid: stdio.pid }) });
    return session;
  }

  /** Sessions made from an older version of this connection's settings close once idle. */
  private retireOlder(connection: McpConnectionRecord): void {
    for (const session of this.sessions.values()) {
      if (session.connection.id === connection.id && session.connection.updatedAt !== connection.updatedAt && session.inFlight === 0) void this.discard(session);
    }
  }

  private closeIdle(): void {
    const cutoff = this.dependencies.clock.now() - this.options.idleMs;
    for (const session of this.sessions.values()) if (session.inFlight === 0 && session.lastUsed < cutoff) void this.discard(session);
  }
}

/** Where `${secret:NAME}` is looked up: the caller's own secrets, then the connection's scope (never wider). */
function secretScopes(connection: McpConnectionRecord, principal: Principal): OwnerScope[] {
  const scopes: OwnerScope[] = [];
  if (principal.identity.kind === 'user') scopes.push({ kind: 'user', userId: principal.identity.id });
  scopes.push(connection.teamId === null ? { kind: 'org' } : { kind: 'team', teamId: connection.teamId });
  return scopes;
}

/** An error's message with injected values and anything credential-shaped taken out. */
export function safeMessage(error: unknown, secrets: readonly string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactCredentials(redactValues(text, secrets));
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new McpUnavailableError('cancelled'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new McpUnavailableError('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
