import type { Principal } from '../governance/principal.js';
import type { AnyOperation } from '../management/operation.js';
import type { StagedOperation } from './admin-turn-tools.js';

/**
 * The go-live plan: for every team without an active API key, a service account for its
 * applications and a key bound to it. Decided here from the configuration, not by the model, so
 * the model cannot shape what go-live mints; the keys go to the person at apply time.
 */
export function goLiveStager(operations: ReadonlyMap<string, AnyOperation>): (actor: Principal) => Promise<StagedOperation[]> {
  const run = async (id: string, input: Record<string, unknown>, actor: Principal): Promise<unknown> => {
    const operation = operations.get(id);
    if (operation === undefined) throw new Error(`go-live needs the ${id} operation`);
    return operation.run(actor, operation.input.parse(input));
  };
  return async (actor) => {
    const teams = (await run('teams.list', {}, actor)) as Array<{ name: string }>;
    const keys = (await run('keys.list', { state: 'active' }, actor)) as Array<{ team: string | null }>;
    const accounts = (await run('serviceAccounts.list', {}, actor)) as Array<{ name: string; team: string }>;
    const keyed = new Set(keys.map((key) => key.team));
    const staged: StagedOperation[] = [];
    for (const team of teams.filter((entry) => !keyed.has(entry.name)).sort((a, b) => a.name.localeCompare(b.name))) {
      const account = `${team.name}-apps`;
      if (!accounts.some((entry) => entry.team === team.name && entry.name === account)) {
        staged.push({ operation: 'serviceAccounts.create', input: { team: team.name, name: account, description: `Applications of team ${team.name} (made at go-live)` } });
      }
      staged.push({ operation: 'keys.create', input: { name: `${team.name}-go-live`, serviceAccount: `${team.name}/${account}`, team: team.name } });
    }
    return staged;
  };
}
