import { approvalState } from '../../agents/mcp-tool-source.js';
import { safeMessage, type McpConnectionPool } from '../../agents/mcp/connection-pool.js';
import { connectionLost, type McpSession } from '../../agents/mcp/mcp-session.js';
import type { McpToolDefinition } from '../../agents/mcp/tool-definition.js';
import type { Principal } from '../../governance/principal.js';
import type { AgentMcpRecord, AgentRecord } from '../../store/agent-records.js';
import type { McpConnectionRecord } from '../../store/secret-records.js';
import type { Store } from '../../store/store.js';
import { untrustedExcerpt } from './untrusted-text.js';
import type { ValidationCheck } from './validation-report.js';

type Discovery = { ok: true; tools: McpToolDefinition[] } | { ok: false; reason: string | undefined; upstreamText: string | undefined };

/**
 * Every MCP connection an agent uses starts (as the validating admin: their own secrets apply, as
 * for `mcp.tools.list`), and the tools the agent allows are offered with exactly the definitions
 * that were approved. Each connection is started once however many agents share it.
 */
export async function agentMcpChecks(store: Store, pool: McpConnectionPool, actor: Principal, timeoutMs: number): Promise<ValidationCheck[]> {
  const discoveries = new Map<string, Promise<Discovery>>();
  const discover = (connection: McpConnectionRecord): Promise<Discovery> => {
    let pending = discoveries.get(connection.id);
    if (pending === undefined) {
      pending = discoverTools(pool, connection, actor, timeoutMs);
      discoveries.set(connection.id, pending);
    }
    return pending;
  };
  const checks: Array<Promise<ValidationCheck>> = [];
  for (const agent of await store.agentStore.agents.list(actor.orgId)) {
    for (const attachment of agent.mcp) checks.push(attachmentCheck(store, agent, attachment, discover));
  }
  return Promise.all(checks);
}

async function attachmentCheck(store: Store, agent: AgentRecord, attachment: AgentMcpRecord, discover: (connection: McpConnectionRecord) => Promise<Discovery>): Promise<ValidationCheck> {
  const name = attachment.connection;
  const check = { check: 'agent.mcp', target: `agent '${agent.name}' → MCP connection '${name}'` };
  const connection = await store.mcpConnections.findByName(agent.orgId, name);
  if (connection === undefined || (connection.teamId !== null && connection.teamId !== agent.teamId)) {
    return { ...check, ok: false, problem: `Agent '${agent.name}' uses MCP connection '${name}', which does not exist for it`, fix: `Create the connection (PUT /api/admin/mcp-connections/${name}) or remove it from the agent (PUT /api/admin/agents/${agent.name})` };
  }
  if (!connection.enabled) {
    return { ...check, ok: false, problem: `The MCP connection '${name}' of agent '${agent.name}' is disabled, so its tools are left out`, fix: `Enable it (PUT /api/admin/mcp-connections/${name} with enabled: true) or remove it from the agent` };
  }
  const found = await discover(connection);
  if (!found.ok) {
    return {
      ...check,
      ok: false,
      problem: `The MCP connection '${name}' of agent '${agent.name}' did not start or did not list its tools${found.reason === undefined ? '' : `: ${found.reason}`}`,
      fix: `Check its transport and secrets (GET /api/admin/mcp-connections/${name}; the secrets it names must be set), then list its tools: GET /api/admin/mcp-connections/${name}/tools`,
      ...(found.upstreamText === undefined ? {} : { upstreamText: found.upstreamText }),
    };
  }
  const pinProblems = pinMismatches(connection, attachment, found.tools);
  if (pinProblems.length === 0) return { ...check, ok: true };
  return {
    ...check,
    ok: false,
    problem: `Tools agent '${agent.name}' may use from '${name}' do not match their approvals: ${pinProblems.join('; ')}`,
    fix: `Review the tools (GET /api/admin/mcp-connections/${name}/tools) and approve the definitions you accept (POST /api/admin/mcp-connections/${name}/tools/approve), or change the agent's allowTools`,
  };
}

/** Tool names as the MCP specification recommends them; others are not quoted in Auxot's own text. */
const SAFE_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * What is wrong with the tools the agent allows. Tool names come from the agent's allow list and
 * the approvals (configuration), never from the server's listing; an approval made with `*` holds
 * names the server chose, so only names of the recommended shape are quoted.
 */
function pinMismatches(connection: McpConnectionRecord, attachment: AgentMcpRecord, offered: readonly McpToolDefinition[]): string[] {
  const byName = new Map(offered.map((tool) => [tool.name, tool]));
  const problems: string[] = [];
  const named = (name: string): string => (SAFE_TOOL_NAME.test(name) ? `'${name}'` : 'a tool whose name is not shown (unusual characters)');
  const stateOf = (name: string): 'approved' | 'changed' | 'pending' | 'removed' => {
    const tool = byName.get(name);
    return tool === undefined ? 'removed' : approvalState(connection, tool);
  };
  if (attachment.allowTools.includes('*')) {
    const approved = Object.keys(connection.approvals).sort();
    for (const name of approved) {
      const state = stateOf(name);
      if (state === 'changed') problems.push(`${named(name)} changed since it was approved`);
      if (state === 'removed') problems.push(`${named(name)} was approved but the server no longer offers it`);
    }
    if (!approved.some((name) => stateOf(name) === 'approved')) problems.push('no tool of the connection is approved');
    return problems;
  }
  for (const name of [...attachment.allowTools].sort()) {
    const state = stateOf(name);
    if (state === 'changed') problems.push(`${named(name)} changed since it was approved`);
    else if (state === 'pending') problems.push(`${named(name)} is not approved`);
    else if (state === 'removed') problems.push(`${named(name)} is not offered by the server`);
  }
  return problems;
}

async function discoverTools(pool: McpConnectionPool, connection: McpConnectionRecord, actor: Principal, timeoutMs: number): Promise<Discovery> {
  const signal = AbortSignal.timeout(timeoutMs);
  let session: McpSession | undefined;
  try {
    session = await pool.acquire(connection, actor, signal);
    return { ok: true, tools: await session.listTools(signal, timeoutMs) };
  } catch (error) {
    if (session !== undefined && connectionLost(error)) await pool.discard(session);
    if (signal.aborted) return { ok: false, reason: `no answer within ${timeoutMs / 1000} s`, upstreamText: undefined };
    // Even the pool's own errors quote the server (its stderr, its JSON-RPC error): all of it is data.
    return { ok: false, reason: undefined, upstreamText: untrustedExcerpt(safeMessage(error, session?.secrets ?? [])) };
  }
}
