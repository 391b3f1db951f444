import type { Principal } from '../governance/principal.js';
import type { Logger } from '../platform/logger.js';
import type { McpConnectionRecord } from '../store/secret-records.js';
import type { McpConnectionRepository } from '../store/secret-repositories.js';
import { McpUnavailableError, safeMessage, type McpConnectionPool } from './mcp/connection-pool.js';
import { connectionLost, type McpSession } from './mcp/mcp-session.js';
import { isMcpError } from './mcp/sdk.js';
import { connectionOfToolName, exposedToolName, modelInputSchema, toolHash, type McpToolDefinition } from './mcp/tool-definition.js';
import { resultOutcome } from './mcp/tool-result.js';
import type { AgentMcpAttachment, AgentTool, AgentToolScope, ToolCallContext, ToolOutcome, ToolSource } from './tool-source.js';

/**
 * The tools of the MCP connections attached to an agent. A tool is offered when the agent's allow
 * list for its connection names it (or `*`) and an admin approved exactly its current definition;
 * a definition that changed since is left out, and refused if called, until it is approved again.
 * Every failure — a server that cannot be reached, dies mid-call, times out or refuses — comes
 * back as an error outcome for the model, never as a thrown error.
 */
export class McpToolSource implements ToolSource {
  readonly id = 'mcp';

  constructor(
    private readonly connections: McpConnectionRepository,
    private readonly pool: McpConnectionPool,
    private readonly logger: Logger,
  ) {}

  async tools(agent: AgentToolScope, principal: Principal, signal: AbortSignal): Promise<AgentTool[]> {
    const tools: AgentTool[] = [];
    for (const attachment of agent.mcp) {
      const connection = await this.usable(agent, attachment.connection);
      if (typeof connection === 'string') {
        this.logger.warn('mcp connection left out of an agent run', { agent: agent.name, connection: attachment.connection, reason: connection });
        continue;
      }
      let session: McpSession | undefined;
      try {
        session = await this.pool.acquire(connection, principal, signal);
        for (const tool of await session.listTools(signal)) {
          if (!allowed(attachment, tool.name) || approvalState(connection, tool) !== 'approved') continue;
          tools.push({ name: exposedToolName(connection.name, tool.name), description: tool.description ?? tool.title ?? '', inputSchema: modelInputSchema(tool.inputSchema) });
        }
      } catch (error) {
        if (signal.aborted) throw error;
        if (session !== undefined && connectionLost(error)) await this.pool.discard(session);
        this.logger.warn('mcp connection unavailable; its tools are left out of this run', { agent: agent.name, connection: connection.name, error: safeMessage(error, session?.secrets ?? []) });
      }
    }
    return tools;
  }

  async call(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolOutcome> {
    const { agent, principal, signal, timeoutMs } = context;
    const attachment = agent.mcp.find((entry) => entry.connection === connectionOfToolName(name));
    if (attachment === undefined) return failure(`No MCP tool '${name}' is attached to this agent`);
    const connection = await this.usable(agent, attachment.connection);
    if (typeof connection === 'string') return failure(connection);
    let session: McpSession;
    try {
      session = await this.pool.acquire(connection, principal, signal);
    } catch (error) {
      return failure(error instanceof McpUnavailableError ? error.message : `Cannot reach MCP server '${connection.name}': ${safeMessage(error, [])}`);
    }
    let tool: McpToolDefinition | undefined;
    try {
      tool = (await session.cachedTools(signal)).find((entry) => exposedToolName(connection.name, entry.name) === name);
    } catch (error) {
      return this.callFailure(session, error, signal, timeoutMs);
    }
    if (tool === undefined) return failure(`The MCP server '${connection.name}' offers no tool '${name}'`);
    if (!allowed(attachment, tool.name)) return failure(`The tool '${tool.name}' of '${connection.name}' is not allowed for this agent`);
    const state = approvalState(connection, tool);
    if (state === 'changed') return failure(`The tool '${tool.name}' of '${connection.name}' changed since it was approved; it stays disabled until an admin approves it again`);
    if (state === 'pending') return failure(`The tool '${tool.name}' of '${connection.name}' is not approved`);
    try {
      return resultOutcome(await session.callTool(tool.name, args, signal, timeoutMs), connection.maxResultBytes, session.secrets);
    } catch (error) {
      return this.callFailure(session, error, signal, timeoutMs);
    }
  }

  /** The connection an agent may use, or why not. */
  private async usable(agent: AgentToolScope, name: string): Promise<McpConnectionRecord | string> {
    const connection = await this.connections.findByName(agent.orgId, name);
    if (connection === undefined || (connection.teamId !== null && connection.teamId !== agent.teamId)) return `No MCP connection '${name}' for this agent`;
    if (!connection.enabled) return `The MCP connection '${name}' is disabled`;
    return connection;
  }

  private async callFailure(session: McpSession, error: unknown, signal: AbortSignal, timeoutMs: number): Promise<ToolOutcome> {
    const server = session.connection.name;
    if (signal.aborted) return failure(`The call to '${server}' was cancelled`);
    if (isMcpError(error, 'RequestTimeout')) return failure(`The MCP server '${server}' did not answer within ${timeoutMs} ms; the call was cancelled`);
    if (connectionLost(error)) {
      await this.pool.discard(session);
      return failure(`The MCP server '${server}' stopped during the call (${safeMessage(error, session.secrets)}); it is restarted on the next call`);
    }
    return failure(`The MCP server '${server}' refused the call: ${safeMessage(error, session.secrets)}`);
  }
}

export type ApprovalState = 'approved' | 'changed' | 'pending';

export function approvalState(connection: McpConnectionRecord, tool: McpToolDefinition): ApprovalState {
  const approval = connection.approvals[tool.name];
  if (approval === undefined) return 'pending';
  return approval.hash === toolHash(tool) ? 'approved' : 'changed';
}

function allowed(attachment: AgentMcpAttachment, tool: string): boolean {
  return attachment.allowTools.includes('*') || attachment.allowTools.includes(tool);
}

function failure(content: string): ToolOutcome {
  return { content, isError: true };
}
