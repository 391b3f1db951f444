import { fileURLToPath } from 'node:url';
import type { AgentToolScope } from '../../../src/agents/tool-source.js';
import type { Principal } from '../../../src/governance/principal.js';
import type { TestServer } from '../../support/test-server.js';

/** The installed bin of an MCP server package from npm (a dev dependency; nothing is downloaded). */
export function mcpServerBin(name: 'server-everything' | 'server-filesystem'): string {
  return fileURLToPath(new URL(`../../../node_modules/@modelcontextprotocol/${name}/dist/index.js`, import.meta.url));
}

/** The principal a key is, as every surface authenticates it. */
export function principalOf(server: TestServer, key: string): Promise<Principal> {
  return server.running.authenticator.authenticate(key);
}

/** What the agent runtime hands a tool source about the agent being run. */
export function agentScope(orgId: string, mcp: AgentToolScope['mcp'], teamId?: string): AgentToolScope {
  return { id: 'agent_test', name: 'test-agent', orgId, teamId, mcp };
}

/** Calls the admin API and fails with the body when the status is not the one expected. */
export async function ok(server: TestServer, method: string, path: string, body?: unknown, status = 200): Promise<any> {
  const answer = await server.admin(method, path, body);
  if (answer.status !== status) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}
