import type { Principal } from '../../governance/principal.js';
import type { AgentRunRecord } from '../../store/agent-records.js';
import type { GovernanceContext } from '../governance/context.js';
import { readScope } from '../governance/scope.js';

/** Reads the record of agent runs within what the actor may see (the same read scope as request records). */
export class AgentRunLedger {
  constructor(private readonly context: GovernanceContext) {}

  async list(actor: Principal, input: { agent?: string | undefined; limit: number }): Promise<AgentRunRecord[]> {
    const store = this.context.store.agentStore;
    const agentId = input.agent === undefined ? undefined : (await store.agents.findByName(actor.orgId, input.agent))?.id ?? 'none';
    const scope = readScope(actor);
    const base = { orgId: actor.orgId, limit: input.limit, ...(agentId === undefined ? {} : { agentId }) };
    if (scope.kind === 'all') return store.runs.list(base);
    if (scope.kind === 'teams') return store.runs.list({ ...base, teamIds: scope.teamIds, keyIds: [actor.keyId], ...(scope.userId === undefined ? {} : { userId: scope.userId }) });
    return store.runs.list({ ...base, keyIds: [scope.keyId], ...(scope.userId === undefined ? {} : { userId: scope.userId }) });
  }
}
