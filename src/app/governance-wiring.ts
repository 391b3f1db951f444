import { Admissions, monthOf, type BudgetAlert } from '../governance/admission.js';
import type { Authenticator } from '../governance/authenticator.js';
import { inProcessLimitStores } from '../governance/limits/in-process-limits.js';
import type { LimitStores } from '../governance/limits/limit-stores.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { AuditTrail } from '../management/audit-trail.js';
import { AuditService } from '../management/governance/audit-service.js';
import type { GovernanceContext } from '../management/governance/context.js';
import { KeyService } from '../management/governance/key-service.js';
import { ServiceAccountService } from '../management/governance/service-account-service.js';
import { SettingsService } from '../management/governance/settings-service.js';
import { TeamService } from '../management/governance/team-service.js';
import { UsageService } from '../management/governance/usage-service.js';
import { UserService } from '../management/governance/user-service.js';
import type { AnyOperation } from '../management/operation.js';
import { governanceOperations } from '../management/operations/governance-operations.js';
import { platformOperations } from '../management/operations/platform-operations.js';
import { agentOperations } from '../management/operations/agent-operations.js';
import { AgentService } from '../management/agents/agent-service.js';
import { AgentRunLedger } from '../management/agents/agent-run-ledger.js';
import { DocumentService } from '../management/agents/document-service.js';
import type { ProviderService } from '../management/provider-service.js';
import type { RouteService } from '../management/route-service.js';
import type { WorkerKeyService } from '../management/worker-key-service.js';
import type { Store } from '../store/store.js';

export interface GovernanceWiring {
  /** What other management services share with governance's (store, audit trail, cache invalidation). */
  context: GovernanceContext;
  admissions: Admissions;
  audit: AuditService;
  operations: AnyOperation[];
}

export interface GovernanceParts {
  store: Store;
  orgId: string;
  authenticator: Authenticator;
  clock: Clock;
  logger: Logger;
  newId(prefix: string): string;
  providers: ProviderService;
  routes: RouteService;
  workerKeys: WorkerKeyService;
  connectedWorkers(): unknown[];
  flushRequests(): Promise<void>;
  /** Shared counters: in-process on one machine (a Redis implementation joins for replicas). */
  limits?: LimitStores;
}

/** Builds governance: the admission of requests, the management services and their operations. */
export async function wireGovernance(parts: GovernanceParts): Promise<GovernanceWiring> {
  const { store, clock, logger, newId, authenticator } = parts;
  const trail = new AuditTrail(clock, newId);
  const context: GovernanceContext = { store, audit: trail, invalidate: () => authenticator.invalidate(), clock, newId };
  const onBudgetAlert = (alert: BudgetAlert): void => {
    logger.warn('budget alert', { scope: alert.scope.label, month: alert.month, spentUsd: alert.spentUsd, budgetUsd: alert.budgetUsd });
    void store
      .transaction((tx) =>
        trail.record(tx.configChanges, { kind: 'system', orgId: parts.orgId, name: 'budget monitor' }, {
          action: 'budget.alert',
          targetType: alert.scope.scope.split(':')[0] ?? 'team',
          targetId: alert.scope.scope.split(':')[1] ?? '',
          targetName: alert.scope.label,
          teamId: alert.scope.scope.startsWith('team:') ? alert.scope.scope.slice(5) : null,
          before: null,
          after: { month: alert.month, spentUsd: alert.spentUsd, budgetUsd: alert.budgetUsd },
        }),
      )
      .catch((error: unknown) => logger.error('recording a budget alert failed', { error: String(error) }));
  };
  const admissions = new Admissions(parts.limits ?? inProcessLimitStores(), clock, onBudgetAlert);
  // Budgets hold across restarts: this month's spend so far is counted again.
  const now = clock.now();
  const monthStart = Date.parse(`${monthOf(now)}-01T00:00:00Z`);
  for (const spend of await store.requestLog.spendSince(parts.orgId, monthStart)) {
    if (spend.teamId !== null) await admissions.preload(`team:${spend.teamId}`, monthOf(now), spend.costUsd);
    if (spend.keyId !== null) await admissions.preload(`key:${spend.keyId}`, monthOf(now), spend.costUsd);
  }
  const providerIdOf = async (orgId: string, nameOrId: string): Promise<string> => (await parts.providers.find(orgId, nameOrId)).id;
  const serviceAccounts = new ServiceAccountService(context);
  const audit = new AuditService(context, providerIdOf, parts.flushRequests);
  const operations = [
    ...platformOperations({ context, providers: parts.providers, routes: parts.routes, workerKeys: parts.workerKeys, connectedWorkers: parts.connectedWorkers }),
    ...governanceOperations({
      teams: new TeamService(context),
      users: new UserService(context),
      serviceAccounts,
      keys: new KeyService(context, serviceAccounts),
      usage: new UsageService(context, providerIdOf, parts.flushRequests),
      audit,
      settings: new SettingsService(context),
    }),
    ...agentOperationsFor(context),
  ];
  return { context, admissions, audit, operations };
}

function agentOperationsFor(context: GovernanceContext): AnyOperation[] {
  const documents = new DocumentService(context);
  return agentOperations({ agents: new AgentService(context, documents), documents, runs: new AgentRunLedger(context) });
}
