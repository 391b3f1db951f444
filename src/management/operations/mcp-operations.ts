import { z } from 'zod';
import { approveToolsInput, connectionName, putConnectionInput, revokeToolsInput } from '../mcp/mcp-connection-input.js';
import type { McpConnectionService } from '../mcp/mcp-connection-service.js';
import { defineOperation, type AnyOperation } from '../operation.js';

const byName = z.object({ connection: connectionName }).strict();

/** MCP connections and the approval of their tools. */
export function mcpOperations(connections: McpConnectionService): AnyOperation[] {
  return [
    defineOperation({ id: 'mcp.list', summary: 'List MCP connections (secret references, never values)', kind: 'read', input: z.object({}).strict(), run: (actor) => connections.list(actor) }),
    defineOperation({ id: 'mcp.get', summary: 'Show an MCP connection', kind: 'read', input: byName, run: (actor, input) => connections.get(actor, input.connection) }),
    defineOperation({
      id: 'mcp.put',
      summary: 'Create or replace an MCP connection (stdio: owners and admins; Streamable HTTP: also team admins for their team). A new transport clears tool approvals',
      kind: 'change',
      input: putConnectionInput,
      run: (actor, input) => connections.put(actor, input),
    }),
    defineOperation({ id: 'mcp.delete', summary: 'Delete an MCP connection', kind: 'change', input: byName, run: (actor, input) => connections.delete(actor, input.connection) }),
    defineOperation({
      id: 'mcp.tools.list',
      summary: "Connect and list the server's tools with each definition's hash and approval state (approved, changed, pending, removed)",
      kind: 'read',
      input: byName,
      run: (actor, input) => connections.tools(actor, input.connection),
    }),
    defineOperation({ id: 'mcp.tools.approve', summary: 'Approve tools as the server defines them now (pinned by hash)', kind: 'change', input: approveToolsInput, run: (actor, input) => connections.approve(actor, input) }),
    defineOperation({ id: 'mcp.tools.revoke', summary: 'Withdraw tool approvals', kind: 'change', input: revokeToolsInput, run: (actor, input) => connections.revoke(actor, input) }),
  ];
}
