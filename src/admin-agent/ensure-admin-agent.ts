import { adminAgentRecord, ADMIN_AGENT_NAME } from '../management/agents/agent-service.js';
import type { Clock } from '../platform/clock.js';
import type { Store } from '../store/store.js';

/** The built-in Admin Agent exists in every organization from its first start (and after upgrades). */
export async function ensureAdminAgent(store: Store, orgId: string, clock: Clock, newId: (prefix: string) => string): Promise<void> {
  const existing = await store.agentStore.agents.findByName(orgId, ADMIN_AGENT_NAME);
  if (existing === undefined) await store.agentStore.agents.insert(adminAgentRecord(orgId, newId('agent_'), clock.now()));
}
