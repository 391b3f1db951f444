import { requireOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { OwnerScope } from '../../store/agent-records.js';
import type { ApiKeyRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { referencedSecrets } from '../../agents/mcp/secret-references.js';
import { maskedTransport } from '../mcp/mcp-connection-service.js';

/** A JSON value with every object's keys sorted: what two exports are compared as. */
export type ExportedValue = null | boolean | number | string | ExportedValue[] | { [key: string]: ExportedValue };

/**
 * The organization's whole configuration as plain JSON: everything is named, never by id; lists
 * are sorted by name; what changes by itself (ids, times, capacity, usage) and every secret value
 * are left out. Two exports of the same configuration are equal, so undoing a change can be
 * checked by comparing an export before the change with one after the undo.
 */
export interface ConfigExport {
  settings: ExportedValue;
  providers: ExportedValue[];
  routes: ExportedValue[];
  teams: ExportedValue[];
  users: ExportedValue[];
  serviceAccounts: ExportedValue[];
  apiKeys: ExportedValue[];
  workerKeys: ExportedValue[];
  agents: ExportedValue[];
  skills: ExportedValue[];
  contextFiles: ExportedValue[];
  mcpConnections: ExportedValue[];
  secrets: ExportedValue[];
}

export async function exportConfiguration(store: Store, actor: Principal, now: number): Promise<ConfigExport> {
  requireOrgAdmin(actor, 'exporting the configuration');
  const { orgId } = actor;
  const organization = await store.organizations.first();
  const teams = (await store.teams.list(orgId)).filter((team) => team.orgId === orgId);
  const users = await store.users.list(orgId);
  const accounts = await store.serviceAccounts.list(orgId);
  const providers = await store.providers.list(orgId);
  const teamName = new Map(teams.map((team) => [team.id, team.name]));
  const userEmail = new Map(users.map((user) => [user.id, user.email]));
  const accountName = new Map(accounts.map((account) => [account.id, `${teamName.get(account.teamId) ?? account.teamId}/${account.name}`]));
  const providerName = new Map(providers.map((provider) => [provider.id, provider.name]));
  const team = (id: string | null): string | null => (id === null ? null : (teamName.get(id) ?? id));
  const scope = (owner: OwnerScope): string => (owner.kind === 'org' ? 'org' : owner.kind === 'team' ? `team:${team(owner.teamId)}` : `user:${userEmail.get(owner.userId) ?? owner.userId}`);

  const memberships = new Map<string, ExportedValue[]>();
  for (const entry of teams) {
    for (const member of await store.memberships.listByTeam(entry.id)) {
      const list = memberships.get(member.userId) ?? [];
      list.push({ team: entry.name, role: member.role });
      memberships.set(member.userId, list);
    }
  }

  const skills = await store.agentStore.skills.list(orgId);
  const contextFiles = await store.agentStore.contextFiles.list(orgId);
  const skillRef = new Map(skills.map((skill) => [skill.id, { name: skill.name, scope: scope(skill.scope) }]));
  const fileRef = new Map(contextFiles.map((file) => [file.id, { name: file.name, scope: scope(file.scope) }]));
  const ownerOf = (key: ApiKeyRecord): string | null =>
    key.userId !== null ? `user:${userEmail.get(key.userId) ?? key.userId}` : key.serviceAccountId !== null ? `serviceAccount:${accountName.get(key.serviceAccountId) ?? key.serviceAccountId}` : null;
  const active = (key: ApiKeyRecord): boolean => key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);

  const exported: Record<keyof ConfigExport, unknown> = {
    settings: organization?.id === orgId ? { name: organization.name, ...organization.settings } : {},
    providers: providers.map((provider) => ({
      name: provider.name,
      kind: provider.kind,
      tier: provider.tier,
      baseUrl: provider.baseUrl,
      models: provider.models,
      settings: provider.settings,
      enabled: provider.enabled,
      hasApiKey: provider.sealedApiKey !== null,
    })),
    routes: (await store.routes.list(orgId)).map((route) => ({ name: route.name, candidates: route.candidates })),
    teams: teams.map((entry) => ({ name: entry.name, description: entry.description, limits: entry.limits, policy: entry.policy })),
    users: users.map((user) => ({
      email: user.email,
      name: user.name,
      role: user.role,
      disabled: user.disabledAt !== null,
      teams: sortedBy(memberships.get(user.id) ?? [], 'team'),
    })),
    serviceAccounts: accounts.map((account) => ({ team: team(account.teamId), name: account.name, description: account.description, disabled: account.disabledAt !== null })),
    apiKeys: (await store.apiKeys.list(orgId)).filter(active).map((key) => ({
      name: key.name,
      owner: ownerOf(key),
      team: team(key.teamId),
      role: key.role,
      serviceClass: key.serviceClass,
      policy: key.policy,
      expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    })),
    workerKeys: (await store.workerKeys.list())
      .filter((key) => key.revokedAt === null && providerName.has(key.providerId))
      .map((key) => ({ name: key.name, provider: providerName.get(key.providerId) ?? key.providerId })),
    agents: (await store.agentStore.agents.list(orgId)).map((agent) => ({
      name: agent.name,
      team: team(agent.teamId),
      description: agent.description,
      personality: agent.personality,
      model: agent.model,
      maxSteps: agent.maxSteps,
      toolTimeoutMs: agent.toolTimeoutMs,
      skills: sortedBy(agent.skillIds.map((id) => skillRef.get(id) ?? { name: id, scope: 'missing' }), 'name'),
      contextFiles: sortedBy(agent.contextFileIds.map((id) => fileRef.get(id) ?? { name: id, scope: 'missing' }), 'name'),
      mcp: sortedBy(agent.mcp.map((entry) => ({ connection: entry.connection, allowTools: [...entry.allowTools].sort() })), 'connection'),
    })),
    skills: skills.map((skill) => ({
      name: skill.name,
      scope: scope(skill.scope),
      description: skill.description,
      alwaysOn: skill.alwaysOn,
      body: skill.body,
      files: sortedBy(skill.files.map((file) => ({ path: file.path, content: file.content })), 'path'),
    })),
    contextFiles: contextFiles.map((file) => ({ name: file.name, scope: scope(file.scope), content: file.content })),
    mcpConnections: (await store.mcpConnections.list(orgId)).map((connection) => ({
      name: connection.name,
      team: team(connection.teamId),
      description: connection.description,
      // References stay references; a credential-shaped literal is masked, as the API shows it.
      transport: maskedTransport(connection.transport),
      secrets: referencedSecrets(connection.transport),
      enabled: connection.enabled,
      maxResultBytes: connection.maxResultBytes,
      // The pins, without who approved them and when: re-approving the same definition is no change.
      approvedTools: Object.fromEntries(Object.entries(connection.approvals).map(([tool, approval]) => [tool, approval.hash])),
    })),
    secrets: (await store.secrets.list(orgId)).map((secret) => ({ name: secret.name, scope: scope(secret.scope) })),
  };
  const sortKeys: Partial<Record<keyof ConfigExport, string[]>> = {
    users: ['email'],
    serviceAccounts: ['team', 'name'],
    apiKeys: ['name', 'owner', 'team'],
    workerKeys: ['name', 'provider'],
    skills: ['name', 'scope'],
    contextFiles: ['name', 'scope'],
    secrets: ['name', 'scope'],
  };
  const result: Record<string, ExportedValue> = {};
  for (const [section, value] of Object.entries(exported) as Array<[keyof ConfigExport, unknown]>) {
    result[section] = Array.isArray(value) ? sortedBy(value as Array<Record<string, unknown>>, ...(sortKeys[section] ?? ['name'])).map(canonical) : canonical(value);
  }
  return result as unknown as ConfigExport;
}

/** Sorted by the given fields, then by the whole entry, so equal names still come in one order. */
function sortedBy<T>(entries: readonly T[], ...fields: string[]): T[] {
  const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(canonical(value)));
  return [...entries].sort((a, b) => {
    for (const field of fields) {
      const order = compare(text((a as Record<string, unknown>)[field] ?? ''), text((b as Record<string, unknown>)[field] ?? ''));
      if (order !== 0) return order;
    }
    return compare(text(a), text(b));
  });
}

/** Code-point order: the same on every machine, unlike `localeCompare`. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The value with every object's keys sorted and `undefined` fields dropped (arrays keep their order: it is meaningful). */
export function canonical(value: unknown): ExportedValue {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => compare(a, b));
    return Object.fromEntries(entries.map(([key, entry]) => [key, canonical(entry)]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}
