import { z } from 'zod';
import { policySchema } from '../../governance/policy.js';
import type { AuditService } from '../governance/audit-service.js';
import { changeFilterInput, requestFilterInput } from '../governance/audit-service.js';
import { createKeyInput, listKeysInput, updateKeyInput, type KeyService } from '../governance/key-service.js';
import type { ServiceAccountService } from '../governance/service-account-service.js';
import { settingsInput, type SettingsService } from '../governance/settings-service.js';
import type { TeamService } from '../governance/team-service.js';
import type { UserService } from '../governance/user-service.js';
import { usageInput, type UsageService } from '../governance/usage-service.js';
import { defineOperation, type AnyOperation } from '../operation.js';

export interface GovernanceServices {
  teams: TeamService;
  users: UserService;
  serviceAccounts: ServiceAccountService;
  keys: KeyService;
  usage: UsageService;
  audit: AuditService;
  settings: SettingsService;
}

const name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, 'use 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
const team = z.string().min(1).describe('team name or id');
const none = z.object({}).strict();

/** Teams, people, service accounts, keys, policies, usage, audit and settings. */
export function governanceOperations(services: GovernanceServices): AnyOperation[] {
  const { teams, users, serviceAccounts, keys, usage, audit, settings } = services;
  return [
    defineOperation({ id: 'teams.list', summary: 'List the teams the caller may see', kind: 'read', input: none, run: (actor) => teams.list(actor) }),
    defineOperation({ id: 'teams.get', summary: 'Show a team with its limits, policy and effective policy', kind: 'read', input: z.object({ team }).strict(), run: (actor, input) => teams.get(actor, input.team) }),
    defineOperation({
      id: 'teams.create',
      summary: 'Create a team (owners and admins)',
      kind: 'change',
      input: z.object({ name, description: z.string().max(1000).optional(), limits: policySchema.optional(), policy: policySchema.optional() }).strict(),
      run: (actor, input) => teams.create(actor, input),
    }),
    defineOperation({
      id: 'teams.update',
      summary: "Change a team's description",
      kind: 'change',
      input: z.object({ team, description: z.string().max(1000).optional() }).strict(),
      run: (actor, input) => teams.update(actor, input.team, input),
    }),
    defineOperation({ id: 'teams.delete', summary: 'Delete a team; its keys are revoked (owners and admins)', kind: 'change', input: z.object({ team }).strict(), run: (actor, input) => teams.delete(actor, input.team) }),
    defineOperation({
      id: 'teams.setLimits',
      summary: "Set the ceiling on a team's policy (owners and admins)",
      kind: 'change',
      input: z.object({ team, limits: policySchema }).strict(),
      run: (actor, input) => teams.setLimits(actor, input.team, input.limits),
    }),
    defineOperation({
      id: 'teams.setPolicy',
      summary: "Set a team's policy, within its limits (team admins, owners, admins)",
      kind: 'change',
      input: z.object({ team, policy: policySchema }).strict(),
      run: (actor, input) => teams.setPolicy(actor, input.team, input.policy),
    }),
    defineOperation({ id: 'teams.members.list', summary: "List a team's members", kind: 'read', input: z.object({ team }).strict(), run: (actor, input) => teams.members(actor, input.team) }),
    defineOperation({
      id: 'teams.members.put',
      summary: 'Add a person to a team, or change their role there (team admins, owners, admins)',
      kind: 'change',
      input: z.object({ team, user: z.string().min(1).describe('email or id'), role: z.enum(['team_admin', 'member']).default('member') }).strict(),
      run: (actor, input) => teams.putMember(actor, input.team, input),
    }),
    defineOperation({
      id: 'teams.members.remove',
      summary: 'Remove a person from a team',
      kind: 'change',
      input: z.object({ team, user: z.string().min(1).describe('email or id') }).strict(),
      run: (actor, input) => teams.removeMember(actor, input.team, input.user),
    }),

    defineOperation({ id: 'users.list', summary: 'List people (owners and admins; others see themselves)', kind: 'read', input: none, run: (actor) => users.list(actor) }),
    defineOperation({ id: 'users.get', summary: 'Show a person', kind: 'read', input: z.object({ user: z.string().min(1) }).strict(), run: (actor, input) => users.get(actor, input.user) }),
    defineOperation({
      id: 'users.create',
      summary: 'Add a person (owners and admins; owners make owners and admins)',
      kind: 'change',
      input: z.object({ name: z.string().min(1).max(200), email: z.email(), role: z.enum(['owner', 'admin', 'member']).optional() }).strict(),
      run: (actor, input) => users.create(actor, input),
    }),
    defineOperation({
      id: 'users.update',
      summary: 'Change a person: name, role, or disable them (their keys stop working)',
      kind: 'change',
      input: z.object({ user: z.string().min(1), name: z.string().min(1).max(200).optional(), role: z.enum(['owner', 'admin', 'member']).optional(), disabled: z.boolean().optional() }).strict(),
      run: (actor, input) => users.update(actor, input.user, input),
    }),
    defineOperation({
      id: 'users.delete',
      summary: 'Remove a person: their keys are revoked, their memberships removed (owners and admins; owners remove owners and admins)',
      kind: 'change',
      input: z.object({ user: z.string().min(1).describe('email or id') }).strict(),
      run: (actor, input) => users.delete(actor, input.user),
    }),

    defineOperation({
      id: 'serviceAccounts.list',
      summary: "List service accounts (a team's, or all the caller may see)",
      kind: 'read',
      input: z.object({ team: team.optional() }).strict(),
      run: (actor, input) => serviceAccounts.list(actor, input.team),
    }),
    defineOperation({
      id: 'serviceAccounts.create',
      summary: 'Create a service account in a team (team admins, owners, admins)',
      kind: 'change',
      input: z.object({ team, name, description: z.string().max(1000).optional() }).strict(),
      run: (actor, input) => serviceAccounts.create(actor, input),
    }),
    defineOperation({
      id: 'serviceAccounts.update',
      summary: 'Change or disable a service account',
      kind: 'change',
      input: z.object({ serviceAccount: z.string().min(1).describe('id, or team/name'), description: z.string().max(1000).optional(), disabled: z.boolean().optional() }).strict(),
      run: (actor, input) => serviceAccounts.update(actor, input.serviceAccount, input),
    }),
    defineOperation({
      id: 'serviceAccounts.delete',
      summary: 'Remove a service account; its keys are revoked (team admins, owners, admins)',
      kind: 'change',
      input: z.object({ serviceAccount: z.string().min(1).describe('id, or team/name') }).strict(),
      run: (actor, input) => serviceAccounts.delete(actor, input.serviceAccount),
    }),

    defineOperation({ id: 'keys.list', summary: 'List the API keys the caller may manage, optionally filtered', kind: 'read', input: listKeysInput, run: (actor, input) => keys.list(actor, input) }),
    defineOperation({
      id: 'keys.get',
      summary: 'Show one API key with the team it acts for and the policy that applies to it',
      kind: 'read',
      input: z.object({ key: z.string().min(1).describe('key id') }).strict(),
      run: (actor, input) => keys.get(actor, input.key),
    }),
    defineOperation({ id: 'keys.create', summary: 'Create an API key; the key is returned once', kind: 'change', input: createKeyInput, run: (actor, input) => keys.create(actor, input) }),
    defineOperation({
      id: 'keys.update',
      summary: "Rename a key, change its expiry or its policy override",
      kind: 'change',
      input: updateKeyInput.extend({ key: z.string().min(1).describe('key id') }),
      run: (actor, input) => keys.update(actor, input.key, input),
    }),
    defineOperation({ id: 'keys.revoke', summary: 'Revoke an API key (effective on its next request)', kind: 'change', input: z.object({ key: z.string().min(1) }).strict(), run: (actor, input) => keys.revoke(actor, input.key) }),

    defineOperation({ id: 'usage.query', summary: 'Usage roll-ups by team, person, key, provider, model and day', kind: 'read', input: usageInput, run: (actor, input) => usage.query(actor, input) }),
    defineOperation({ id: 'audit.requests', summary: 'Request records, newest first, with filters and a cursor', kind: 'read', input: requestFilterInput, run: (actor, input) => audit.requests(actor, input) }),
    defineOperation({ id: 'audit.request', summary: 'One request record', kind: 'read', input: z.object({ id: z.string().min(1) }).strict(), run: (actor, input) => audit.request(actor, input.id) }),
    defineOperation({
      id: 'audit.requestBody',
      summary: "The bodies kept with a request (when its team's policy keeps them)",
      kind: 'read',
      input: z.object({ id: z.string().min(1) }).strict(),
      run: (actor, input) => audit.requestBody(actor, input.id),
    }),
    defineOperation({ id: 'audit.changes', summary: 'Configuration changes, newest first, with filters and a cursor', kind: 'read', input: changeFilterInput, run: (actor, input) => audit.changes(actor, input) }),

    defineOperation({ id: 'settings.get', summary: 'Organization settings', kind: 'read', input: none, run: (actor) => settings.get(actor) }),
    defineOperation({ id: 'settings.update', summary: 'Change organization settings (retention)', kind: 'change', input: settingsInput, run: (actor, input) => settings.update(actor, input) }),
  ];
}
