import { expect, it } from 'vitest';
import type { McpConnectionRecord, SecretRecord } from './secret-records.js';
import type { Store } from './store.js';

/** The secrets store's and MCP connections' part of the store contract. */
export function runSecretStoreContract(create: () => Promise<Store>): void {
  const org = { id: 'org_s', name: 'Org', createdAt: 1, settings: {} };
  const team = { id: 'team_s', orgId: org.id, name: 'ops', description: '', limits: {}, policy: {}, createdAt: 1, updatedAt: 1 };
  const secret = (overrides: Partial<SecretRecord> = {}): SecretRecord => ({
    id: 'sec_1',
    orgId: org.id,
    scope: { kind: 'team', teamId: team.id },
    name: 'GITHUB_TOKEN',
    sealedValue: '{"v":1}',
    createdAt: 10,
    updatedAt: 10,
    lastUsedAt: null,
    ...overrides,
  });

  it('keeps one secret per name and scope, finds it by scope, records its last use, and deletes it', async () => {
    const store = await create();
    await store.organizations.insert(org);
    await store.teams.insert(team);
    await store.secrets.insert(secret());
    await store.secrets.insert(secret({ id: 'sec_2', scope: { kind: 'org' } }));
    await store.secrets.insert(secret({ id: 'sec_3', scope: { kind: 'user', userId: 'user_1' } }));
    await expect(store.secrets.insert(secret({ id: 'sec_dup' }))).rejects.toThrow();
    expect(await store.secrets.findByName(org.id, { kind: 'team', teamId: team.id }, 'GITHUB_TOKEN')).toEqual(secret());
    expect((await store.secrets.findByName(org.id, { kind: 'user', userId: 'user_1' }, 'GITHUB_TOKEN'))?.id).toBe('sec_3');
    expect(await store.secrets.findByName(org.id, { kind: 'user', userId: 'user_2' }, 'GITHUB_TOKEN')).toBeUndefined();
    await store.secrets.update(secret({ sealedValue: '{"v":1,"new":true}', updatedAt: 20 }));
    await store.secrets.touch([{ id: 'sec_1', at: 30 }]);
    expect(await store.secrets.findByName(org.id, { kind: 'team', teamId: team.id }, 'GITHUB_TOKEN')).toEqual(secret({ sealedValue: '{"v":1,"new":true}', updatedAt: 20, lastUsedAt: 30 }));
    expect((await store.secrets.list(org.id)).map((entry) => entry.id).sort()).toEqual(['sec_1', 'sec_2', 'sec_3']);
    expect(await store.secrets.list('org_other')).toEqual([]);
    expect(await store.secrets.delete('sec_1')).toBe(true);
    expect(await store.secrets.delete('sec_1')).toBe(false);
    await store.close();
  });

  it('stores MCP connections with their transport and approvals, unique per organization, gone with their team', async () => {
    const store = await create();
    await store.organizations.insert(org);
    await store.teams.insert(team);
    const connection: McpConnectionRecord = {
      id: 'mcp_1',
      orgId: org.id,
      teamId: team.id,
      name: 'github',
      description: 'Issues and pull requests',
      transport: { type: 'streamable-http', url: 'https://mcp.example.com/mcp', headers: { authorization: 'Bearer ${secret:GITHUB_TOKEN}' } },
      enabled: true,
      maxResultBytes: 65_536,
      approvals: { search: { hash: 'ab'.repeat(32), approvedAt: 5, approvedBy: 'Ann' } },
      createdAt: 1,
      updatedAt: 1,
    };
    await store.mcpConnections.insert(connection);
    await expect(store.mcpConnections.insert({ ...connection, id: 'mcp_2', teamId: null })).rejects.toThrow();
    expect(await store.mcpConnections.findByName(org.id, 'github')).toEqual(connection);
    const stdio: McpConnectionRecord = { ...connection, id: 'mcp_3', teamId: null, name: 'files', transport: { type: 'stdio', command: 'mcp-files', args: ['/srv'], env: { TOKEN: '${secret:T}' } }, approvals: {} };
    await store.mcpConnections.insert(stdio);
    await store.mcpConnections.update({ ...stdio, enabled: false, updatedAt: 2 });
    expect(await store.mcpConnections.findById('mcp_3')).toEqual({ ...stdio, enabled: false, updatedAt: 2 });
    expect((await store.mcpConnections.list(org.id)).map((entry) => entry.name)).toEqual(['files', 'github']);
    await store.teams.delete(team.id);
    expect(await store.mcpConnections.findById('mcp_1')).toBeUndefined();
    expect(await store.mcpConnections.delete('mcp_3')).toBe(true);
    expect(await store.mcpConnections.list(org.id)).toEqual([]);
    await store.close();
  });
}
