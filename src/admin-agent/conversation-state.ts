import type { PlanRecord } from './plan.js';

export interface ConversationMessage {
  role: 'user' | 'assistant' | 'notice';
  text: string;
  /** Epoch milliseconds. */
  at: number;
  planId?: string;
}

/**
 * What a conversation keeps between turns. Only the person's words (secrets removed), the agent's
 * answers and notices: tool results are not carried into later turns, so text a tool returned once
 * cannot steer a later turn. Secret-slot values are sealed, and dropped once applied.
 */
export interface ConversationState {
  v: 1;
  messages: ConversationMessage[];
  plans: PlanRecord[];
  /** Slot name → sealed value, entered out of band for the current plan. */
  slots: Record<string, string>;
}

export function emptyState(): ConversationState {
  return { v: 1, messages: [], plans: [], slots: {} };
}

export function stateOf(value: unknown): ConversationState {
  const state = value as Partial<ConversationState> | null;
  if (state?.v !== 1) return emptyState();
  return { v: 1, messages: state.messages ?? [], plans: state.plans ?? [], slots: state.slots ?? {} };
}

export function currentPlan(state: ConversationState): PlanRecord | undefined {
  return state.plans.findLast((plan) => plan.status === 'proposed');
}
