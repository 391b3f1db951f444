import type { Principal } from '../governance/principal.js';
import type { AnyOperation } from '../management/operation.js';
import type { StagedOperation } from './admin-turn-tools.js';
import { EFFECTS, riskOf, type Reader } from './plan-effects.js';
import { changesOf, IDENTITY_FIELDS, isSecretSlot, planHash, summaryOf, type Plan, type PlanOperation, type PlanRecord } from './plan.js';

/** Runs read operations as the person (for diffs and for undo's before-state). */
export function operationReader(operations: ReadonlyMap<string, AnyOperation>, actor: Principal): Reader {
  return async (operationId, input) => {
    const operation = operations.get(operationId);
    if (operation === undefined) throw new Error(`no operation ${operationId}`);
    return operation.run(actor, operation.input.parse(input));
  };
}

/**
 * Turns staged operations into a plan: each with its summary, exact input, a diff against the
 * configuration as it is now, and a risk banner; the secret slots the inputs name; and the hash
 * that binds a confirmation to exactly this content.
 */
export async function planFor(read: Reader, id: string, staged: readonly StagedOperation[], extra: Pick<Plan, 'purpose' | 'undoOf' | 'notes'>, now: number): Promise<PlanRecord> {
  const operations: PlanOperation[] = [];
  const slots = new Map<string, string>();
  for (const [position, { operation, input }] of staged.entries()) {
    const effect = EFFECTS[operation];
    const before = effect?.current === undefined ? null : await effect.current(read, input).catch(() => null);
    for (const [field, value] of Object.entries(input)) if (isSecretSlot(value)) slots.set(value.$secret, `${field} for ${summaryOf(operation, input)}`);
    const risk = riskOf(operation, input);
    operations.push({
      index: position + 1,
      operation,
      summary: summaryOf(operation, input),
      input,
      changes: changesOf(input, before, IDENTITY_FIELDS, /\.(delete|revoke|remove)$/.test(operation)),
      ...(risk === undefined ? {} : { risk }),
    });
  }
  return {
    id,
    hash: planHash(id, operations),
    status: 'proposed',
    ...(extra.purpose === undefined ? {} : { purpose: extra.purpose }),
    ...(extra.undoOf === undefined ? {} : { undoOf: extra.undoOf }),
    ...(extra.notes === undefined || extra.notes.length === 0 ? {} : { notes: extra.notes }),
    operations,
    secretSlots: [...slots].map(([name, label]) => ({ name, label, filled: false })),
    createdAt: now,
  };
}
