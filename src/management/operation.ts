import type { z } from 'zod';
import type { Principal } from '../governance/principal.js';

/**
 * One management operation: a name, what it does, the zod schema of its whole input, and the
 * function that performs it for an actor (who is authorized inside, by the same checks whatever
 * calls it). The admin REST API, the CLI (through that API), its OpenAPI document and the Admin
 * Agent's tools are all built from these, so validation, authorization and audit exist once.
 */
export interface Operation<Input extends z.ZodObject = z.ZodObject, Output = unknown> {
  /** `teams.create`, `keys.revoke`, …: the Admin Agent's tool name. */
  readonly id: string;
  readonly summary: string;
  /** `read` runs at once; `change` alters configuration (audited; the Admin Agent asks first). */
  readonly kind: 'read' | 'change';
  readonly input: Input;
  run(actor: Principal, input: z.output<Input>): Promise<Output>;
}

export function defineOperation<Input extends z.ZodObject, Output>(operation: Operation<Input, Output>): Operation<Input, Output> {
  return operation;
}

/** Operations of any input and output, as registries hold them. */
export type AnyOperation = Operation;
