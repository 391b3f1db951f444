import type { Dispatcher } from 'undici';
import type { McpConnectionPool } from '../../agents/mcp/connection-pool.js';
import { requireOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { Clock } from '../../platform/clock.js';
import type { CircuitState } from '../../routing/circuit-breaker.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { Store } from '../../store/store.js';
import { bootstrapKeyChecks, teamChecks } from './access-checks.js';
import { agentMcpChecks } from './mcp-checks.js';
import { providerChecks, routeChecks } from './provider-checks.js';
import { providersByName, routesInUse, type AutoCascade } from './routes-in-use.js';
import { reportOf, type ValidationReport } from './validation-report.js';

export interface ValidationDependencies {
  store: Store;
  secrets: SecretBox;
  dispatcher: Dispatcher;
  pool: McpConnectionPool;
  clock: Clock;
  connectedWorkers(): ReadonlyArray<{ provider: string; suspect: boolean }>;
  circuitState(providerId: string): CircuitState;
  autoCascade: AutoCascade;
  /** Per provider call (default 5 s) and per MCP server start and listing (default 20 s). */
  providerTimeoutMs?: number;
  mcpTimeoutMs?: number;
}

/**
 * `validate_configuration`: whether the organization is ready to go live. Providers are called
 * (once, cheaply) and MCP servers started concurrently; nothing is changed. Only owners and admins
 * run it: it calls every upstream with its stored key.
 */
export class ValidationService {
  constructor(private readonly dependencies: ValidationDependencies) {}

  async validate(actor: Principal): Promise<ValidationReport> {
    requireOrgAdmin(actor, 'validating the configuration');
    const { store, clock } = this.dependencies;
    const now = clock.now();
    const providers = await store.providers.list(actor.orgId);
    const [providerResults, mcp] = await Promise.all([
      providerChecks(providers, { ...this.dependencies, timeoutMs: this.dependencies.providerTimeoutMs ?? 5_000 }),
      agentMcpChecks(store, this.dependencies.pool, actor, this.dependencies.mcpTimeoutMs ?? 20_000),
    ]);
    const routes = routeChecks(await routesInUse(store, actor.orgId, this.dependencies.autoCascade), providersByName(providers), providerResults, this.dependencies.circuitState);
    return reportOf([...providerResults, ...routes, ...(await teamChecks(store, actor.orgId, now)), ...mcp, ...(await bootstrapKeyChecks(store, actor.orgId, now))]);
  }
}
