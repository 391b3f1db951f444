import { z } from 'zod';

/**
 * The Admin Agent conversation API as `auxot admin` reads it (the contract is
 * /api/admin/agent in the server). Answers are checked against these schemas so a server of
 * another version fails with a readable message instead of a rendering crash; fields the CLI
 * does not use are let through untouched.
 */

export const secretSlotSchema = z.looseObject({ name: z.string(), label: z.string(), filled: z.boolean() });

export const planOperationSchema = z.looseObject({
  index: z.number(),
  operation: z.string(),
  summary: z.string(),
  input: z.unknown().optional(),
  changes: z.array(z.looseObject({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  risk: z.string().optional(),
});

export const planSchema = z.looseObject({
  id: z.string(),
  hash: z.string(),
  status: z.enum(['proposed', 'applied', 'failed', 'rejected', 'superseded']),
  undoOf: z.string().optional(),
  /** `go-live` plans end with the hand-off summary. */
  purpose: z.string().optional(),
  operations: z.array(planOperationSchema),
  secretSlots: z.array(secretSlotSchema),
  /** What the plan cannot do (operations of an undo that cannot be reversed, and why). */
  notes: z.array(z.string()).optional(),
});

export const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'notice']),
  text: z.string(),
  at: z.number(),
  planId: z.string().optional(),
});

export const conversationSchema = z.looseObject({
  id: z.string(),
  createdAt: z.unknown(),
  messages: z.array(messageSchema),
  plans: z.array(planSchema),
});

export const turnResultSchema = z.looseObject({
  message: messageSchema,
  notices: z.array(z.string()),
  plan: planSchema.optional(),
});

const apiErrorSchema = z.looseObject({ type: z.string(), message: z.string() });

export const applyResultSchema = z.looseObject({
  plan: planSchema,
  applied: z.array(z.looseObject({ index: z.number(), operation: z.string() })),
  failed: z.looseObject({ index: z.number(), operation: z.string(), error: apiErrorSchema }).optional(),
  deliveries: z.array(z.looseObject({ label: z.string(), value: z.string() })),
  handoff: z.string().optional(),
});

export const undoResultSchema = z.looseObject({ plan: planSchema });

export type SecretSlot = z.infer<typeof secretSlotSchema>;
export type PlanOperation = z.infer<typeof planOperationSchema>;
export type Plan = z.infer<typeof planSchema>;
export type Message = z.infer<typeof messageSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
export type TurnResult = z.infer<typeof turnResultSchema>;
export type ApplyResult = z.infer<typeof applyResultSchema>;

/** One event of a streamed turn (`POST …/messages` with `stream: true`). */
export type AgentEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool'; name: string; kind: 'read' | 'change'; ok: boolean }
  | { type: 'notice'; text: string }
  | { type: 'plan'; plan: Plan }
  | { type: 'done'; result: TurnResult }
  | { type: 'error'; error: { type: string; message: string } };

/** The data schema of each named event, and how it becomes an `AgentEvent`. */
export const agentEventData = {
  text: z.object({ delta: z.string() }).transform(({ delta }): AgentEvent => ({ type: 'text', delta })),
  tool: z
    .object({ name: z.string(), kind: z.enum(['read', 'change']), ok: z.boolean() })
    .transform(({ name, kind, ok }): AgentEvent => ({ type: 'tool', name, kind, ok })),
  notice: z.object({ text: z.string() }).transform(({ text }): AgentEvent => ({ type: 'notice', text })),
  plan: planSchema.transform((plan): AgentEvent => ({ type: 'plan', plan })),
  done: turnResultSchema.transform((result): AgentEvent => ({ type: 'done', result })),
  error: z.object({ error: apiErrorSchema }).transform(({ error }): AgentEvent => ({ type: 'error', error: { type: error.type, message: error.message } })),
} as const;
