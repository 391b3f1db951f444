import { McpToolSource } from '../agents/mcp-tool-source.js';
import { DEFAULT_POOL_OPTIONS, McpConnectionPool } from '../agents/mcp/connection-pool.js';
import type { ToolSource } from '../agents/tool-source.js';
import type { GovernanceContext } from '../management/governance/context.js';
import { McpConnectionService } from '../management/mcp/mcp-connection-service.js';
import type { AnyOperation } from '../management/operation.js';
import { mcpOperations } from '../management/operations/mcp-operations.js';
import { secretOperations } from '../management/operations/secret-operations.js';
import { SecretService } from '../management/secrets/secret-service.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Resolver } from '../platform/outbound-address.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { SecretVault } from '../secrets/secret-vault.js';

export interface ToolParts {
  context: GovernanceContext;
  box: SecretBox;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  childPath: string;
  version: string;
  /** DNS for Streamable HTTP targets (the system's by default). */
  resolve?: Resolver;
}

export interface ToolWiring {
  vault: SecretVault;
  pool: McpConnectionPool;
  /** The MCP connections' tools, for the agent runtime. */
  mcp: McpToolSource;
  /** Every tool source the agent runtime asks (the runtime adds its built-in `load_skill`). */
  toolSources: readonly ToolSource[];
  operations: AnyOperation[];
  close(): Promise<void>;
}

/** Builds what agents' tools need: the secrets store, the MCP connection pool and tool source, and the operations that manage them. */
export function wireTools(parts: ToolParts): ToolWiring {
  const { context, box, clock, logger } = parts;
  const vault = new SecretVault(context.store.secrets, box, clock, (error) => logger.warn('recording a secret’s last use failed', { error: String(error) }));
  // Read at connect time, so a changed allow list applies to the next connection.
  const outboundAllowList = async (orgId: string): Promise<readonly string[]> => {
    const organization = await context.store.organizations.first();
    return organization?.id === orgId ? (organization.settings.outboundAllowList ?? []) : [];
  };
  const pool = new McpConnectionPool(
    { ...DEFAULT_POOL_OPTIONS, dataDir: parts.dataDir, childPath: parts.childPath, clientVersion: parts.version },
    { vault, outboundAllowList, clock, logger: logger.child({ component: 'mcp' }), ...(parts.resolve === undefined ? {} : { resolve: parts.resolve }) },
  );
  const mcp = new McpToolSource(context.store.mcpConnections, pool, logger.child({ component: 'mcp' }));
  const connections = new McpConnectionService(context, { pool, outboundAllowList, ...(parts.resolve === undefined ? {} : { resolve: parts.resolve }) });
  const operations = [...secretOperations(new SecretService(context, vault)), ...mcpOperations(connections)];
  return { vault, pool, mcp, toolSources: [mcp], operations, close: () => pool.close() };
}
