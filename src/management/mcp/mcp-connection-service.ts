import type { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { approvalState, type ApprovalState } from '../../agents/mcp-tool-source.js';
import type { McpConnectionPool } from '../../agents/mcp/connection-pool.js';
import { referencedSecrets } from '../../agents/mcp/secret-references.js';
import { canonicalJson, exposedToolName, toolHash, type McpToolDefinition } from '../../agents/mcp/tool-definition.js';
import { isOrgAdmin, requireOrgAdmin, requireTeamAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import { checkOutboundUrl, OutboundAddressError, type Resolver } from '../../platform/outbound-address.js';
import { redactCredentials } from '../../platform/redact-credentials.js';
import type { McpConnectionRecord, McpTransportConfig } from '../../store/secret-records.js';
import { changeWithAudit, iso, visibleTeam, type GovernanceContext } from '../governance/context.js';
import type { approveToolsInput, PutConnectionInput, revokeToolsInput } from './mcp-connection-input.js';

export interface McpConnectionView {
  id: string;
  name: string;
  team: string | null;
  description: string;
  /** As configured: secret references stay references; credential-shaped literal values are masked. */
  transport: McpTransportConfig;
  /** The secrets the connection refers to (resolved at connect time: the caller's own, then the connection's scope). */
  secrets: string[];
  enabled: boolean;
  maxResultBytes: number;
  approvedTools: string[];
  createdAt: string | null;
  updatedAt: string | null;
}

export interface McpToolView {
  name: string;
  /** What the model sees. */
  exposedName: string;
  description: string;
  inputSchema: Record<string, unknown> | null;
  hash: string | null;
  /** `removed`: approved once, no longer offered by the server. */
  state: ApprovalState | 'removed';
  approvedAt: string | null;
  approvedBy: string | null;
}

export interface McpServiceDependencies {
  pool: McpConnectionPool;
  outboundAllowList(orgId: string): Promise<readonly string[]>;
  resolve?: Resolver;
}

/**
 * MCP connections: owners and admins manage any; a team admin their team's Streamable HTTP ones.
 * stdio connections run a program on the Auxot host, so only owners and admins configure them.
 * Tools are approved one definition at a time; a change of transport clears the approvals, since
 * the same definitions from another server are another server's tools.
 */
export class McpConnectionService {
  constructor(
    private readonly context: GovernanceContext,
    private readonly dependencies: McpServiceDependencies,
  ) {}

  async list(actor: Principal): Promise<McpConnectionView[]> {
    const records = (await this.context.store.mcpConnections.list(actor.orgId)).filter((record) => maySee(actor, record));
    return Promise.all(records.map((record) => this.view(record)));
  }

  async get(actor: Principal, name: string): Promise<McpConnectionView> {
    return this.view(await this.visible(actor, name));
  }

  async put(actor: Principal, input: PutConnectionInput): Promise<McpConnectionView> {
    let teamId: string | null = null;
    if (input.team === undefined) requireOrgAdmin(actor, 'changing an organization-wide MCP connection');
    else {
      const team = await visibleTeam(this.context, actor, input.team);
      requireTeamAdmin(actor, team.id, team.name, "changing a team's MCP connections");
      teamId = team.id;
    }
    if (input.transport.type === 'stdio') requireOrgAdmin(actor, 'configuring a stdio MCP server (it runs a program on the Auxot host)');
    const current = await this.context.store.mcpConnections.findByName(actor.orgId, input.connection);
    if (current !== undefined && !mayChange(actor, current)) throw new GatewayError('invalid_request', `The name '${input.connection}' is taken by an MCP connection you may not change`, { param: 'connection' });
    if (input.transport.type === 'streamable-http') await this.checkUrl(actor.orgId, input.transport.url);
    const sameServer = current !== undefined && canonicalJson(current.transport) === canonicalJson(input.transport);
    const now = this.context.clock.now();
    const record: McpConnectionRecord = {
      id: current?.id ?? this.context.newId('mcp_'),
      orgId: actor.orgId,
      teamId,
      name: input.connection,
      description: input.description,
      transport: input.transport,
      enabled: input.enabled,
      maxResultBytes: input.maxResultBytes,
      approvals: sameServer ? current.approvals : {},
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    const view = await this.view(record);
    const before = current === undefined ? null : await this.view(current);
    const result = await changeWithAudit(this.context, actor, async (store) => {
      await (current === undefined ? store.mcpConnections.insert(record) : store.mcpConnections.update(record));
      return { result: view, audit: { action: current === undefined ? 'mcp.create' : 'mcp.update', targetType: 'mcp_connection', targetId: record.id, targetName: record.name, teamId, before, after: view } };
    });
    if (current !== undefined) await this.dependencies.pool.closeConnection(current.id);
    return result;
  }

  async delete(actor: Principal, name: string): Promise<void> {
    const current = await this.changeable(actor, name);
    const before = await this.view(current);
    await changeWithAudit(this.context, actor, async (store) => {
      await store.mcpConnections.delete(current.id);
      return { result: undefined, audit: { action: 'mcp.delete', targetType: 'mcp_connection', targetId: current.id, targetName: current.name, teamId: current.teamId, before, after: null } };
    });
    await this.dependencies.pool.closeConnection(current.id);
  }

  /** Connects (as the actor: their own secrets apply) and lists the server's tools with their approval state. */
  async tools(actor: Principal, name: string): Promise<McpToolView[]> {
    const connection = await this.visible(actor, name);
    return toolViews(connection, await this.discover(actor, connection));
  }

  async approve(actor: Principal, input: z.output<typeof approveToolsInput>): Promise<McpToolView[]> {
    const connection = await this.changeable(actor, input.connection);
    const offered = await this.discover(actor, connection);
    const wanted = input.tools.some((choice) => choice === '*') ? offered.map((tool) => ({ name: tool.name, hash: undefined })) : input.tools.map((choice) => (typeof choice === 'string' ? { name: choice, hash: undefined } : choice));
    const approvals = { ...connection.approvals };
    const approved: Record<string, string> = {};
    for (const choice of wanted) {
      const tool = offered.find((entry) => entry.name === choice.name);
      if (tool === undefined) throw new GatewayError('invalid_request', `The MCP server '${connection.name}' offers no tool '${choice.name}'`, { param: 'tools' });
      const hash = toolHash(tool);
      if (choice.hash !== undefined && choice.hash !== hash) {
        throw new GatewayError('invalid_request', `The tool '${choice.name}' changed since you reviewed it (now ${hash}); review it again`, { param: 'tools' });
      }
      approvals[tool.name] = { hash, approvedAt: this.context.clock.now(), approvedBy: actor.identity.name };
      approved[tool.name] = hash;
    }
    const updated = { ...connection, approvals };
    await changeWithAudit(this.context, actor, async (store) => {
      await store.mcpConnections.update(updated);
      return { result: undefined, audit: { action: 'mcp.tools.approve', targetType: 'mcp_connection', targetId: connection.id, targetName: connection.name, teamId: connection.teamId, before: hashes(connection), after: approved } };
    });
    return toolViews(updated, offered);
  }

  async revoke(actor: Principal, input: z.output<typeof revokeToolsInput>): Promise<McpConnectionView> {
    const connection = await this.changeable(actor, input.connection);
    const approvals = Object.fromEntries(Object.entries(connection.approvals).filter(([tool]) => !input.tools.includes(tool)));
    const updated = { ...connection, approvals };
    await changeWithAudit(this.context, actor, async (store) => {
      await store.mcpConnections.update(updated);
      return { result: undefined, audit: { action: 'mcp.tools.revoke', targetType: 'mcp_connection', targetId: connection.id, targetName: connection.name, teamId: connection.teamId, before: hashes(connection), after: hashes(updated) } };
    });
    return this.view(updated);
  }

  private async discover(actor: Principal, connection: McpConnectionRecord): Promise<McpToolDefinition[]> {
    const signal = AbortSignal.timeout(60_000);
    let session;
    try {
      session = await this.dependencies.pool.acquire(connection, actor, signal);
      return await session.listTools(signal);
    } catch (error) {
      if (session !== undefined) await this.dependencies.pool.discard(session);
      throw new GatewayError('upstream_error', error instanceof Error ? redactCredentials(error.message) : 'the MCP server did not answer', { cause: error });
    }
  }

  private async checkUrl(orgId: string, url: string): Promise<void> {
    try {
      await checkOutboundUrl(url, await this.dependencies.outboundAllowList(orgId), this.dependencies.resolve);
    } catch (error) {
      if (error instanceof OutboundAddressError) throw new GatewayError('invalid_request', error.message, { param: 'transport.url' });
      throw error;
    }
  }

  private async visible(actor: Principal, name: string): Promise<McpConnectionRecord> {
    const connection = await this.context.store.mcpConnections.findByName(actor.orgId, name);
    if (connection === undefined || !maySee(actor, connection)) throw new GatewayError('not_found', `No MCP connection '${name}'`);
    return connection;
  }

  private async changeable(actor: Principal, name: string): Promise<McpConnectionRecord> {
    const connection = await this.visible(actor, name);
    if (!mayChange(actor, connection)) {
      if (connection.teamId === null) requireOrgAdmin(actor, 'changing an organization-wide MCP connection');
      throw new GatewayError('forbidden', `Forbidden: changing the MCP connection '${name}' needs the team admin role in its team (or the organization's admin role)`);
    }
    return connection;
  }

  private async view(record: McpConnectionRecord): Promise<McpConnectionView> {
    const team = record.teamId === null ? undefined : await this.context.store.teams.findById(record.teamId);
    return {
      id: record.id,
      name: record.name,
      team: team?.name ?? null,
      description: record.description,
      transport: maskedTransport(record.transport),
      secrets: referencedSecrets(record.transport),
      enabled: record.enabled,
      maxResultBytes: record.maxResultBytes,
      approvedTools: Object.keys(record.approvals).sort(),
      createdAt: iso(record.createdAt),
      updatedAt: iso(record.updatedAt),
    };
  }
}

function toolViews(connection: McpConnectionRecord, offered: McpToolDefinition[]): McpToolView[] {
  const views: McpToolView[] = offered.map((tool) => {
    const approval = connection.approvals[tool.name];
    return {
      name: tool.name,
      exposedName: exposedToolName(connection.name, tool.name),
      description: tool.description ?? tool.title ?? '',
      inputSchema: tool.inputSchema,
      hash: toolHash(tool),
      state: approvalState(connection, tool),
      approvedAt: iso(approval?.approvedAt ?? null),
      approvedBy: approval?.approvedBy ?? null,
    };
  });
  for (const [name, approval] of Object.entries(connection.approvals)) {
    if (offered.some((tool) => tool.name === name)) continue;
    views.push({ name, exposedName: exposedToolName(connection.name, name), description: '', inputSchema: null, hash: null, state: 'removed', approvedAt: iso(approval.approvedAt), approvedBy: approval.approvedBy });
  }
  return views;
}

function hashes(connection: McpConnectionRecord): Record<string, string> {
  return Object.fromEntries(Object.entries(connection.approvals).map(([tool, approval]) => [tool, approval.hash]));
}

/** References are shown as written; a literal value that looks like a credential is masked. */
export function maskedTransport(transport: McpTransportConfig): McpTransportConfig {
  const mask = (record: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value.split(/(\$\{secret:[^}]*\})/).map((part) => (part.startsWith('${secret:') ? part : redactCredentials(part))).join('')]));
  return transport.type === 'stdio' ? { ...transport, env: mask(transport.env) } : { ...transport, headers: mask(transport.headers) };
}

/** Org connections are visible to everyone in the organization (to attach them); team ones to the team. */
function maySee(actor: Principal, connection: McpConnectionRecord): boolean {
  if (connection.orgId !== actor.orgId) return false;
  if (isOrgAdmin(actor) || connection.teamId === null) return true;
  return actor.memberOf.has(connection.teamId) || actor.teamAdminOf.has(connection.teamId) || actor.teamId === connection.teamId;
}

function mayChange(actor: Principal, connection: McpConnectionRecord): boolean {
  if (isOrgAdmin(actor)) return true;
  return connection.teamId !== null && actor.teamAdminOf.has(connection.teamId) && connection.transport.type !== 'stdio';
}
