import type { z } from 'zod';
import type { AdminClient } from '../admin-client.js';
import { CliError } from '../cli-errors.js';
import { agentEvents } from './agent-events.js';
import {
  applyResultSchema,
  conversationSchema,
  planSchema,
  undoResultSchema,
  type AgentEvent,
  type ApplyResult,
  type Conversation,
  type Plan,
} from './agent-types.js';

/** The Admin Agent conversation API (`/api/admin/agent`), through the CLI's admin client. */
export class AgentApi {
  constructor(private readonly client: AdminClient) {}

  async startConversation(): Promise<Conversation> {
    return read(conversationSchema, await this.client.call('POST', '/api/admin/agent/conversations', {}), 'the new conversation');
  }

  async conversation(id: string): Promise<Conversation> {
    return read(conversationSchema, await this.client.call('GET', this.path(id)), 'the conversation');
  }

  // Each call below takes the signal Ctrl-C aborts: a hang-up, never a half-read answer.

  /**
   * Sends one message and yields the turn's events as the server streams them. Aborting
   * `signal` hangs up the request, which cancels the turn on the server.
   */
  async *send(conversationId: string, content: string, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const body = await this.client.stream(`${this.path(conversationId)}/messages`, ['text/event-stream'], {}, { method: 'POST', body: { content, stream: true }, signal });
    yield* agentEvents(body);
  }

  /** Stores a secret slot's value out of band: it goes to the server's sealed store, never into a message. */
  async putSecret(conversationId: string, slot: string, value: string, signal?: AbortSignal): Promise<void> {
    await this.client.call('PUT', `${this.path(conversationId)}/secrets/${encodeURIComponent(slot)}`, { value }, {}, signal);
  }

  /** Applies exactly this plan: the hash binds the confirmation to the content the person saw. */
  async confirm(conversationId: string, plan: Plan, signal?: AbortSignal): Promise<ApplyResult> {
    const result = await this.client.call('POST', `${this.planPath(conversationId, plan.id)}/confirm`, { hash: plan.hash }, {}, signal);
    return read(applyResultSchema, result, 'the apply result');
  }

  async reject(conversationId: string, planId: string, signal?: AbortSignal): Promise<Plan> {
    return read(planSchema, await this.client.call('POST', `${this.planPath(conversationId, planId)}/reject`, {}, {}, signal), 'the rejected plan');
  }

  /** The inverse of the last applied plan, proposed (confirm it like any plan). */
  async undo(conversationId: string, signal?: AbortSignal): Promise<Plan> {
    return read(undoResultSchema, await this.client.call('POST', `${this.path(conversationId)}/undo`, {}, {}, signal), 'the undo plan').plan;
  }

  private path(conversationId: string): string {
    return `/api/admin/agent/conversations/${encodeURIComponent(conversationId)}`;
  }

  private planPath(conversationId: string, planId: string): string {
    return `${this.path(conversationId)}/plans/${encodeURIComponent(planId)}`;
  }
}

function read<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(`the server answered with ${what} in a shape this client cannot read (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); is it a different Auxot version?`);
}
