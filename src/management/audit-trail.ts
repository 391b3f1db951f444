import type { Principal } from '../governance/principal.js';
import type { Clock } from '../platform/clock.js';
import type { ActorKind, ConfigChangeRecord } from '../store/governance-records.js';
import type { ConfigChangeRepository } from '../store/governance-repositories.js';

/** Who acts: a caller (through a key), the deployment itself at start-up, or the Admin Agent for a person. */
export type Actor = { kind: 'caller'; principal: Principal } | { kind: 'system'; orgId: string; name: string } | { kind: 'admin-agent'; principal: Principal };

export interface ChangeDescription {
  action: string;
  targetType: string;
  targetId: string;
  targetName: string;
  teamId?: string | null;
  /** Plain data with every secret value already left out. */
  before: unknown;
  after: unknown;
}

/**
 * One configuration-change record per change: who, what, before and after. Written in the same
 * transaction as the change itself (the repository passed is the transaction's), so a change is
 * never kept without its record or recorded without being made.
 */
export class AuditTrail {
  constructor(
    private readonly clock: Clock,
    private readonly newId: (prefix: string) => string,
  ) {}

  async record(changes: ConfigChangeRepository, actor: Actor, change: ChangeDescription): Promise<ConfigChangeRecord> {
    const record: ConfigChangeRecord = {
      id: this.newId('chg_'),
      orgId: actor.kind === 'system' ? actor.orgId : actor.principal.orgId,
      at: this.clock.now(),
      ...actorFields(actor),
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      targetName: change.targetName,
      teamId: change.teamId ?? null,
      before: change.before ?? null,
      after: change.after ?? null,
    };
    await changes.insert(record);
    return record;
  }
}

function actorFields(actor: Actor): Pick<ConfigChangeRecord, 'actorKind' | 'actorId' | 'actorName' | 'keyId' | 'onBehalfOf'> {
  if (actor.kind === 'system') return { actorKind: 'system', actorId: null, actorName: actor.name, keyId: null, onBehalfOf: null };
  const { principal } = actor;
  const identityKind: ActorKind = principal.identity.kind;
  if (actor.kind === 'admin-agent') {
    const plan = principal.via === undefined ? '' : ` (conversation ${principal.via.conversationId}, plan ${principal.via.planId})`;
    return { actorKind: 'admin-agent', actorId: principal.identity.id, actorName: `Admin Agent for ${principal.identity.name}${plan}`, keyId: principal.keyId, onBehalfOf: principal.identity.id };
  }
  return { actorKind: identityKind, actorId: principal.identity.id, actorName: principal.identity.name, keyId: principal.keyId, onBehalfOf: null };
}
