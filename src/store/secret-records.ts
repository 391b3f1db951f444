import type { OwnerScope } from './agent-records.js';

/**
 * A named credential (an MCP server's token, a database password) sealed with the master key.
 * Its value is opened only where it is injected: the environment or headers of an MCP connection
 * at connect time. Nothing that lists or audits secrets sees `sealedValue`.
 */
export interface SecretRecord {
  id: string;
  orgId: string;
  scope: OwnerScope;
  /** Referenced from MCP connection settings as `${secret:NAME}`. */
  name: string;
  /** SecretBox envelope, bound to `secret:<id>` so a sealed value copied to another row fails to open. */
  sealedValue: string;
  createdAt: number;
  updatedAt: number;
  /** When the value was last injected into a connection (a minute or so of precision). */
  lastUsedAt: number | null;
}

/** How Auxot reaches an MCP server. Values of `env` and `headers` may hold `${secret:NAME}` references. */
export type McpTransportConfig =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { type: 'streamable-http'; url: string; headers: Record<string, string> };

/** A tool an admin approved, pinned to the hash of the definition they saw. */
export interface McpToolApproval {
  /** SHA-256 (hex) of the tool's canonical definition: name, title, description, schemas, annotations. */
  hash: string;
  approvedAt: number;
  /** The approver's name, for the tool listing (the audit trail has the full record). */
  approvedBy: string;
}

/** A configured MCP server. Names are unique per organization: agents and tool names refer to them. */
export interface McpConnectionRecord {
  id: string;
  orgId: string;
  /** The owning team, or null for a connection any agent of the organization may attach. */
  teamId: string | null;
  name: string;
  description: string;
  transport: McpTransportConfig;
  enabled: boolean;
  /** The most a tool result may hand the model; longer results are cut. */
  maxResultBytes: number;
  /** Approved tools by their original (server-side) name. */
  approvals: Record<string, McpToolApproval>;
  createdAt: number;
  updatedAt: number;
}
