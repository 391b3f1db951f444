import { narrowPolicy } from '../../governance/policy.js';
import type { ApiKeyRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { ValidationCheck } from './validation-report.js';

/** A key that would authenticate now: not revoked, not expired, its holder not disabled. */
export async function activeKeys(store: Store, orgId: string, now: number): Promise<ApiKeyRecord[]> {
  const disabledUsers = new Set((await store.users.list(orgId)).filter((user) => user.disabledAt !== null).map((user) => user.id));
  const disabledAccounts = new Set((await store.serviceAccounts.list(orgId)).filter((account) => account.disabledAt !== null).map((account) => account.id));
  return (await store.apiKeys.list(orgId)).filter(
    (key) =>
      key.revokedAt === null &&
      (key.expiresAt === null || key.expiresAt > now) &&
      (key.userId === null || !disabledUsers.has(key.userId)) &&
      (key.serviceAccountId === null || !disabledAccounts.has(key.serviceAccountId)),
  );
}

/**
 * The team each key acts for, as the authenticator decides it: its own team, or (a person's key
 * without one) the person's only team.
 */
export async function actingTeams(store: Store, keys: readonly ApiKeyRecord[]): Promise<Map<string, string>> {
  const acting = new Map<string, string>();
  for (const key of keys) {
    if (key.teamId !== null) acting.set(key.id, key.teamId);
    else if (key.userId !== null) {
      const memberships = await store.memberships.listByUser(key.userId);
      const only = memberships.length === 1 ? memberships[0]?.teamId : undefined;
      if (only !== undefined) acting.set(key.id, only);
    }
  }
  return acting;
}

/** Every team has a policy (its limits or its own rules) and at least one key that works and acts for it. */
export async function teamChecks(store: Store, orgId: string, now: number): Promise<ValidationCheck[]> {
  const keys = await activeKeys(store, orgId, now);
  const acting = await actingTeams(store, keys);
  const checks: ValidationCheck[] = [];
  for (const team of await store.teams.list(orgId)) {
    const target = `team '${team.name}'`;
    const effective = narrowPolicy(team.limits, team.policy);
    checks.push(
      Object.keys(effective).length > 0
        ? { check: 'team.policy', target, ok: true }
        : {
            check: 'team.policy',
            target,
            ok: false,
            problem: `Team '${team.name}' has no policy: no limits and no rules, so its keys may use any model with no rate limit or budget`,
            fix: `Set its policy: auxot policies set --team ${team.name} --requests-per-minute 60 --service-class interactive (or PUT /api/admin/teams/${team.name}/policy)`,
          },
    );
    const count = [...acting.values()].filter((teamId) => teamId === team.id).length;
    checks.push(
      count > 0
        ? { check: 'team.apiKey', target, ok: true }
        : {
            check: 'team.apiKey',
            target,
            ok: false,
            problem: `Team '${team.name}' has no active API key, so nobody can call models for it`,
            fix: `Create one for a member or a service account: auxot keys create ${team.name}-key --user <email> --team ${team.name} (or --service-account ${team.name}/<name>)`,
          },
    );
  }
  return checks;
}

/** No active owner or admin key is the one start-up made (printed once at first start, or AUXOT_ADMIN_KEY). */
export async function bootstrapKeyChecks(store: Store, orgId: string, now: number): Promise<ValidationCheck[]> {
  const found = (await activeKeys(store, orgId, now)).filter((key) => key.bootstrap && (key.role === 'owner' || key.role === 'admin'));
  if (found.length === 0) return [{ check: 'key.bootstrap', target: 'organization', ok: true }];
  return found.map((key) => ({
    check: 'key.bootstrap',
    target: `key '${key.name}' (${key.id})`,
    ok: false,
    problem: `The ${key.role} key made at start-up ('${key.name}', ${key.displayPrefix}) is still active: it was printed in a terminal or sits in the server's environment, and it belongs to no named person`,
    fix: `Give each administrator a personal key (auxot users create <email> --role admin, then auxot keys create <name> --user <email>), switch to one, revoke this key (auxot keys revoke ${key.id}) and remove AUXOT_ADMIN_KEY from the server's environment`,
  }));
}
