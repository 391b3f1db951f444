import { hostname } from 'node:os';
import type { Dispatcher } from 'undici';
import type { McpConnectionPool } from '../agents/mcp/connection-pool.js';
import type { AutoCascade } from '../management/go-live/routes-in-use.js';
import { ValidationService } from '../management/go-live/validation-service.js';
import type { AnyOperation } from '../management/operation.js';
import { goLiveOperations } from '../management/operations/go-live-operations.js';
import type { Clock } from '../platform/clock.js';
import type { CircuitState } from '../routing/circuit-breaker.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Store } from '../store/store.js';

export interface GoLiveParts {
  store: Store;
  clock: Clock;
  secrets: SecretBox;
  dispatcher: Dispatcher;
  pool: McpConnectionPool;
  connectedWorkers(): ReadonlyArray<{ provider: string; suspect: boolean }>;
  circuitState(providerId: string): CircuitState;
  autoCascade: AutoCascade;
  /** AUXOT_PUBLIC_URL, when set. */
  publicUrl: string | undefined;
  listen: { host: string; port: number };
}

/** Builds the go-live operations: configuration export, validation and the hand-off summary. */
export function wireGoLive(parts: GoLiveParts): AnyOperation[] {
  const { store, clock } = parts;
  const validation = new ValidationService({
    store,
    clock,
    secrets: parts.secrets,
    dispatcher: parts.dispatcher,
    pool: parts.pool,
    connectedWorkers: parts.connectedWorkers,
    circuitState: parts.circuitState,
    autoCascade: parts.autoCascade,
  });
  const defaultBaseUrl = (): string => parts.publicUrl ?? listenUrl(parts.listen.host, parts.listen.port);
  return goLiveOperations({ store, clock, validation, handoff: { store, now: () => clock.now(), autoCascade: parts.autoCascade, defaultBaseUrl } });
}

/** The listen address as others would type it: a wildcard address becomes this machine's name. */
function listenUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? hostname() : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}
