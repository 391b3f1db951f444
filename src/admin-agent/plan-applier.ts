import { GatewayError } from '../canonical/gateway-error.js';
import type { Principal } from '../governance/principal.js';
import type { AnyOperation } from '../management/operation.js';
import { parseInput } from '../management/validation.js';
import { EFFECTS } from './plan-effects.js';
import { operationReader } from './plan-proposer.js';
import { isSecretSlot, planView, type AppliedOperation, type Plan, type PlanRecord } from './plan.js';

export interface Delivery {
  label: string;
  value: string;
}

export interface ApplyResult {
  plan: Plan;
  applied: Array<{ index: number; operation: string; ok: true }>;
  failed?: { index: number; operation: string; error: { type: string; message: string } };
  /** Keys the plan made: shown once to the person, never kept in the conversation or given to the model. */
  deliveries: Delivery[];
  handoff?: string;
}

/**
 * Applies a confirmed plan, operation by operation, as the person (the same operations and checks
 * as the REST API; audited as the Admin Agent on their behalf). Before each change it reads the
 * state it replaces, so undo can put it back. The first failure stops the plan.
 */
export async function applyPlan(operations: ReadonlyMap<string, AnyOperation>, actor: Principal, plan: PlanRecord, secrets: ReadonlyMap<string, string>): Promise<ApplyResult> {
  const read = operationReader(operations, actor);
  const applied: AppliedOperation[] = [];
  const deliveries: Delivery[] = [];
  let failed: ApplyResult['failed'];
  for (const step of plan.operations) {
    try {
      const operation = operations.get(step.operation);
      if (operation === undefined) throw new GatewayError('invalid_request', `Unknown operation ${step.operation}`);
      const input = withSecrets(step.input, secrets);
      const effect = EFFECTS[step.operation];
      const before = effect?.current === undefined ? null : await effect.current(read, step.input).catch(() => null);
      const result = await operation.run(actor, parseInput(operation.input, input));
      applied.push({ index: step.index, operation: step.operation, inverse: effect === undefined ? { cannot: 'no inverse is known for this operation' } : effect.inverse(step.input, before, result) });
      const delivered = deliveryOf(step.operation, step.input, result);
      if (delivered !== undefined) deliveries.push(delivered);
    } catch (error) {
      const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal', error instanceof Error ? error.message : String(error));
      failed = { index: step.index, operation: step.operation, error: { type: gatewayError.code, message: gatewayError.message } };
      break;
    }
  }
  plan.status = failed === undefined ? 'applied' : 'failed';
  plan.applied = applied;
  let handoff: string | undefined;
  if (failed === undefined && plan.purpose === 'go-live') handoff = await handoffText(operations, actor);
  return {
    plan: planView(plan),
    applied: applied.map(({ index, operation }) => ({ index, operation, ok: true as const })),
    ...(failed === undefined ? {} : { failed }),
    deliveries,
    ...(handoff === undefined ? {} : { handoff }),
  };
}

function withSecrets(input: Record<string, unknown>, secrets: ReadonlyMap<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).map(([field, value]) => {
      if (!isSecretSlot(value)) return [field, value];
      const secret = secrets.get(value.$secret);
      if (secret === undefined) throw new GatewayError('invalid_request', `The secret slot '${value.$secret}' is empty`);
      return [field, secret];
    }),
  );
}

/** A key made by the plan, for the person alone. */
function deliveryOf(operation: string, input: Record<string, unknown>, result: unknown): Delivery | undefined {
  if (operation !== 'keys.create' && operation !== 'workerKeys.create') return undefined;
  const key = (result as { key?: unknown } | null)?.key;
  if (typeof key !== 'string') return undefined;
  const what = operation === 'keys.create' ? 'API key' : 'worker key';
  const team = typeof input.team === 'string' ? ` for team ${input.team}` : typeof input.provider === 'string' ? ` for provider ${input.provider}` : '';
  return { label: `${what} '${String(input.name)}'${team}`, value: key };
}

/** The hand-off summary after go-live, when the platform offers it. */
async function handoffText(operations: ReadonlyMap<string, AnyOperation>, actor: Principal): Promise<string | undefined> {
  const operation = operations.get('platform.handoff');
  if (operation === undefined) return undefined;
  const result = (await operation.run(actor, operation.input.parse({}))) as { text?: unknown } | null;
  return typeof result?.text === 'string' ? result.text : JSON.stringify(result, null, 2);
}
