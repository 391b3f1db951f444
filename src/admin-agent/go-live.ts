import type { Principal } from '../governance/principal.js';
import type { AnyOperation } from '../management/operation.js';
import type { StagedOperation } from './admin-turn-tools.js';
import { operationReader } from './plan-proposer.js';

/**
 * The go-live plan: for every team without an active API key, a service account for its
 * applications and a key bound to it. Decided here from the configuration, not by the model, so
 * the model cannot shape what go-live mints; the keys go to the person at apply time.
 */
export function goLiveStager(operations: ReadonlyMap<string, AnyOperation>): (actor: Principal) => Promise<StagedOperation[]> {
  return async (actor) => {
    const read = operationReader(operations, actor);
    const teams = (await read('teams.list', {})) as Array<{ name: string }>;
    const keys = (await read('keys.list', { state: 'active' })) as Array<{ team: string | null }>;
    const accounts = (await read('serviceAccounts.list', {})) as Array<{ name: string; team: string }>;
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
