import { createHash } from 'node:crypto';
import type { Inverse } from './plan-effects.js';

/** A secret slot in an operation's input: the value is entered out of band and substituted at apply time. */
export interface SecretSlotRef {
  $secret: string;
}

export interface PlanChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface PlanOperation {
  /** 1-based, as the person reads it. */
  index: number;
  operation: string;
  summary: string;
  /** The operation's input exactly as it will run, with secret slots as `{ "$secret": name }`. */
  input: Record<string, unknown>;
  changes: PlanChange[];
  risk?: string;
}

export interface SecretSlot {
  name: string;
  label: string;
  filled: boolean;
}

export type PlanStatus = 'proposed' | 'applied' | 'failed' | 'rejected' | 'superseded';

export interface Plan {
  id: string;
  /** Binds a confirmation to this exact content: sha256 over the id and the operations. */
  hash: string;
  status: PlanStatus;
  undoOf?: string;
  /** `go-live` plans end with the hand-off summary. */
  purpose?: 'go-live';
  operations: PlanOperation[];
  secretSlots: SecretSlot[];
  /** Operations of an undo that cannot be reversed, and why (shown with the plan). */
  notes?: string[];
}

/** What applying an operation left behind for undo. */
export interface AppliedOperation {
  index: number;
  operation: string;
  inverse: Inverse;
}

/** A plan as the conversation keeps it: the plan plus, once applied, what undo needs. */
export interface PlanRecord extends Plan {
  createdAt: number;
  applied?: AppliedOperation[];
}

export function planHash(id: string, operations: readonly PlanOperation[]): string {
  const content = JSON.stringify({ id, operations: operations.map(({ index, operation, input }) => ({ index, operation, input: canonical(input) })) });
  return createHash('sha256').update(content).digest('hex');
}

/** The plan as the API and the terminal show it (without the undo bookkeeping). */
export function planView(record: PlanRecord): Plan {
  const { createdAt, applied, ...plan } = record;
  void createdAt;
  void applied;
  return plan;
}

export function isSecretSlot(value: unknown): value is SecretSlotRef {
  return value !== null && typeof value === 'object' && typeof (value as SecretSlotRef).$secret === 'string' && Object.keys(value).length === 1;
}

/** Keys sorted at every level, so equal content hashes equally whatever order the model wrote. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The readable diff: every field the operation sets, with what it held before. */
export function changesOf(input: Record<string, unknown>, before: Record<string, unknown> | null, identity: readonly string[], removes: boolean): PlanChange[] {
  if (removes) return [{ field: '(all)', before: before ?? '(exists)', after: null }];
  return Object.entries(input)
    .filter(([key]) => !identity.includes(key))
    .map(([key, after]) => ({ field: key, before: before?.[key] ?? null, after: isSecretSlot(after) ? `(secret slot ${after.$secret})` : after }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
}

/** The field that names what an operation acts on, for its one-line summary. */
export const IDENTITY_FIELDS = ['name', 'provider', 'team', 'route', 'agent', 'skill', 'contextFile', 'connection', 'secret', 'key', 'user', 'email', 'serviceAccount'];

export function summaryOf(operation: string, input: Record<string, unknown>): string {
  const target = IDENTITY_FIELDS.map((key) => input[key]).find((value) => typeof value === 'string');
  const [noun = operation, verb = ''] = operation.split(/\.(?=[^.]+$)/);
  return `${verb} ${noun}${typeof target === 'string' ? ` '${target}'` : ''}`.trim();
}
