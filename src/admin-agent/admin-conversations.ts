import type { AgentRuntime } from '../agents/agent-runtime.js';
import type { ChatResult } from '../canonical/chat-result.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Dialect } from '../dialects/dialect.js';
import type { Principal } from '../governance/principal.js';
import { ADMIN_AGENT_NAME } from '../management/agents/agent-service.js';
import type { AnyOperation } from '../management/operation.js';
import type { Clock } from '../platform/clock.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { AdminConversationRecord } from '../store/admin-conversation-records.js';
import type { Store } from '../store/store.js';
import { adminInstructions } from './admin-instructions.js';
import { adminTools, SLOT_NAME, type AdminTool } from './admin-tools.js';
import { AdminTurnTools, type GoLiveStager, type StagedOperation, type TurnToolEvents } from './admin-turn-tools.js';
import { currentPlan, emptyState, stateOf, type ConversationMessage, type ConversationState } from './conversation-state.js';
import { DataFence } from './data-marking.js';
import { goLiveStager } from './go-live.js';
import { applyPlan, type ApplyResult } from './plan-applier.js';
import { operationReader, planFor } from './plan-proposer.js';
import { planHash, planView, type Plan, type PlanRecord } from './plan.js';
import { findSecrets, redactSecrets } from './secret-scan.js';

export interface AdminConversationDependencies {
  store: Store;
  runtime: AgentRuntime;
  /** The OpenAI chat dialect: a turn is written as the chat body a client would send. */
  dialect: Dialect;
  operations: readonly AnyOperation[];
  box: SecretBox;
  clock: Clock;
  newId(prefix: string): string;
}

export interface Conversation {
  id: string;
  createdAt: number;
  messages: ConversationMessage[];
  plans: Plan[];
}

export interface TurnResult {
  message: ConversationMessage;
  notices: string[];
  plan?: Plan;
}

export interface TurnEvents extends TurnToolEvents {
  onText?(delta: string): void;
  onNotice?(text: string): void;
}

/**
 * The Admin Agent's conversations: one person's, kept server-side. A turn runs the built-in agent
 * with the management operations as tools (reads run, changes are staged); staged changes become a
 * plan bound to its content; only the person's confirmation of that exact plan applies it.
 */
export class AdminConversations {
  private readonly catalogue: AdminTool[];
  private readonly operations: Map<string, AnyOperation>;
  private readonly stageGoLive: GoLiveStager;
  /**
   * Conversations with a turn or a confirmation in progress: the state is read and written whole,
   * so a second one at the same time is refused rather than allowed to overwrite the first.
   * (In-process; a shared implementation joins the scale-out store.)
   */
  private readonly busy = new Set<string>();

  constructor(private readonly dependencies: AdminConversationDependencies) {
    this.catalogue = adminTools(dependencies.operations);
    this.operations = new Map(dependencies.operations.map((operation) => [operation.id, operation]));
    this.stageGoLive = goLiveStager(this.operations);
  }

  async create(actor: Principal): Promise<Conversation> {
    const now = this.dependencies.clock.now();
    const record: AdminConversationRecord = { id: this.dependencies.newId('conv_'), orgId: actor.orgId, ownerId: ownerOf(actor), title: '', state: emptyState(), createdAt: now, updatedAt: now };
    await this.dependencies.store.adminConversations.insert(record);
    return view(record, emptyState());
  }

  async list(actor: Principal): Promise<Array<{ id: string; title: string; createdAt: number; updatedAt: number }>> {
    const rows = await this.dependencies.store.adminConversations.listByOwner(actor.orgId, ownerOf(actor), 100);
    return rows.map(({ id, title, createdAt, updatedAt }) => ({ id, title, createdAt, updatedAt }));
  }

  async get(actor: Principal, id: string): Promise<Conversation> {
    const record = await this.owned(actor, id);
    return view(record, stateOf(record.state));
  }

  /** One turn: the person's message (secrets removed), the agent's answer, and the plan it proposes, if any. */
  async send(actor: Principal, id: string, content: string, signal: AbortSignal, events: TurnEvents = {}): Promise<TurnResult> {
    return this.exclusively(actor, id, () => this.turn(actor, id, content, signal, events));
  }

  private async turn(actor: Principal, id: string, content: string, signal: AbortSignal, events: TurnEvents): Promise<TurnResult> {
    const record = await this.owned(actor, id);
    const state = stateOf(record.state);
    const { clock } = this.dependencies;
    const notices: string[] = [];
    const found = findSecrets(content);
    const text = found.length === 0 ? content : redactSecrets(content, found);
    if (found.length > 0) {
      const kinds = [...new Set(found.map((secret) => secret.kind))].join(', ');
      const notice = `Your message held ${kinds}. It was removed before the agent, the transcript or any log saw it. Enter secrets where a plan asks for them: the hidden prompt of \`auxot admin\`, or PUT /api/admin/agent/conversations/${id}/secrets/<slot>.`;
      notices.push(notice);
      events.onNotice?.(notice);
    }
    if (text.trim() === '') throw new GatewayError('invalid_request', 'The message is empty', { param: 'content' });

    const fence = new DataFence();
    const turn = new AdminTurnTools(this.catalogue, fence, this.stageGoLive, events);
    const prepared = await this.dependencies.runtime.prepare(ADMIN_AGENT_NAME, actor, [], signal, [turn]);
    const history = state.messages.filter((message) => message.role !== 'notice').map((message) => ({ role: message.role, content: message.text }));
    const request = this.dependencies.dialect.decodeRequest({
      model: `agent:${ADMIN_AGENT_NAME}`,
      messages: [{ role: 'system', content: adminInstructions(actor, fence) }, ...history, { role: 'user', content: text }],
    });
    // Each model step's text goes out as the step ends; the runtime's own closing words (step limit) after.
    const outcome = await this.dependencies.runtime.run(prepared, {
      principal: actor,
      request,
      surface: 'admin-agent',
      signal,
      onStep: (step) => {
        if (step.kind === 'model' && step.text !== '') events.onText?.(step.text);
      },
    });
    const answer = textOf(outcome.result);
    if (outcome.run.status !== 'completed') events.onText?.(answer);

    // A turn cut short (its step limit) may have staged half of what it meant: no plan from it.
    let plan: PlanRecord | undefined;
    const finished = outcome.run.status === 'completed';
    if (finished && (turn.staged.length > 0 || turn.goLive)) plan = await this.propose(actor, state, turn.staged, turn.goLive ? { purpose: 'go-live' } : {});
    if (!finished && turn.staged.length > 0) notices.push(`The agent stopped before it finished (${outcome.run.status}); the ${turn.staged.length} change(s) it had drafted were not proposed. Ask again, perhaps in smaller steps.`);
    const now = clock.now();
    state.messages.push({ role: 'user', text, at: now });
    for (const notice of notices) state.messages.push({ role: 'notice', text: notice, at: now });
    const message: ConversationMessage = { role: 'assistant', text: answer, at: now, ...(plan === undefined ? {} : { planId: plan.id }) };
    state.messages.push(message);
    await this.save(record, state, record.title === '' ? text.slice(0, 80) : record.title);
    return { message, notices, ...(plan === undefined ? {} : { plan: planView(plan) }) };
  }

  /** Stores a secret slot's value for the current plan, sealed; it never enters the conversation. */
  async putSecret(actor: Principal, id: string, slot: string, value: string): Promise<void> {
    if (!SLOT_NAME.test(slot)) throw new GatewayError('invalid_request', 'A slot name is 1-63 lowercase letters, digits or "-"', { param: 'slot' });
    if (value === '') throw new GatewayError('invalid_request', 'The value is empty', { param: 'value' });
    const record = await this.owned(actor, id);
    const state = stateOf(record.state);
    const plan = currentPlan(state);
    if (plan?.secretSlots.some((entry) => entry.name === slot) !== true) throw new GatewayError('not_found', `The current plan has no secret slot '${slot}'`);
    state.slots[slot] = this.dependencies.box.seal(value, slotOwner(id, slot));
    for (const entry of plan.secretSlots) if (entry.name === slot) entry.filled = true;
    await this.save(record, state);
  }

  async confirm(actor: Principal, id: string, planId: string, hash: string): Promise<ApplyResult> {
    return this.exclusively(actor, id, () => this.apply(actor, id, planId, hash));
  }

  private async apply(actor: Principal, id: string, planId: string, hash: string): Promise<ApplyResult> {
    const record = await this.owned(actor, id);
    const state = stateOf(record.state);
    const plan = state.plans.find((entry) => entry.id === planId);
    if (plan === undefined) throw new GatewayError('not_found', `No plan '${planId}' in this conversation`);
    if (plan.status !== 'proposed') throw new GatewayError('conflict', `The plan '${planId}' is ${plan.status}; only the current proposed plan can be confirmed`);
    if (hash !== plan.hash || planHash(plan.id, plan.operations) !== plan.hash) throw new GatewayError('conflict', 'The plan changed since it was shown: review it again and confirm the new version');
    const missing = plan.secretSlots.filter((slot) => state.slots[slot.name] === undefined);
    if (missing.length > 0) throw new GatewayError('invalid_request', `Enter the secret slots first: ${missing.map((slot) => slot.name).join(', ')}`, { param: 'secrets' });
    const secrets = new Map(plan.secretSlots.map((slot) => [slot.name, this.dependencies.box.open(state.slots[slot.name] ?? '', slotOwner(id, slot.name))]));
    const result = await applyPlan(this.operations, { ...actor, via: { kind: 'admin-agent', conversationId: id, planId } }, plan, secrets);
    state.slots = withoutSlots(state.slots, plan.secretSlots);
    const applied = result.applied.length;
    const summary = result.failed === undefined ? `Applied plan ${plan.id}: ${applied} operation${applied === 1 ? '' : 's'}.` : `Plan ${plan.id} stopped at operation ${result.failed.index} (${result.failed.operation}): ${result.failed.error.message}. Applied before it: ${applied}.`;
    const deliveries = result.deliveries.length === 0 ? '' : ` ${result.deliveries.length} key${result.deliveries.length === 1 ? '' : 's'} delivered to you out of band (not kept here).`;
    state.messages.push({ role: 'notice', text: summary + deliveries, at: this.dependencies.clock.now(), planId: plan.id });
    await this.save(record, state);
    return result;
  }

  async reject(actor: Principal, id: string, planId: string): Promise<Plan> {
    const record = await this.owned(actor, id);
    const state = stateOf(record.state);
    const plan = state.plans.find((entry) => entry.id === planId);
    if (plan === undefined) throw new GatewayError('not_found', `No plan '${planId}' in this conversation`);
    if (plan.status !== 'proposed') throw new GatewayError('conflict', `The plan '${planId}' is ${plan.status}`);
    plan.status = 'rejected';
    state.slots = withoutSlots(state.slots, plan.secretSlots);
    state.messages.push({ role: 'notice', text: `Plan ${plan.id} rejected; nothing changed.`, at: this.dependencies.clock.now(), planId: plan.id });
    await this.save(record, state);
    return planView(plan);
  }

  /** Proposes the inverse of the last applied plan (confirmed like any other plan). */
  async undo(actor: Principal, id: string): Promise<Plan> {
    const record = await this.owned(actor, id);
    const state = stateOf(record.state);
    const undone = new Set(state.plans.filter((plan) => plan.undoOf !== undefined && plan.status === 'applied').map((plan) => plan.undoOf));
    const last = state.plans.findLast((plan) => (plan.status === 'applied' || plan.status === 'failed') && (plan.applied?.length ?? 0) > 0 && plan.undoOf === undefined && !undone.has(plan.id));
    if (last === undefined) throw new GatewayError('not_found', 'No applied plan in this conversation to undo');
    const staged: StagedOperation[] = [];
    const notes: string[] = [];
    for (const entry of [...(last.applied ?? [])].reverse()) {
      if ('cannot' in entry.inverse) notes.push(`Operation ${entry.index} (${entry.operation}) cannot be undone: ${entry.inverse.cannot}.`);
      else staged.push({ operation: entry.inverse.operation, input: entry.inverse.input });
    }
    const plan = await this.propose(actor, state, staged, { undoOf: last.id, notes });
    state.messages.push({ role: 'notice', text: `Proposed undo of plan ${last.id}: ${staged.length} operations.${notes.length === 0 ? '' : ` ${notes.join(' ')}`}`, at: this.dependencies.clock.now(), planId: plan.id });
    await this.save(record, state);
    return planView(plan);
  }

  /** Turns staged operations into the conversation's current plan, with a diff of each against the configuration now. */
  /** Makes the staged operations the conversation's current plan; an earlier proposal is superseded. */
  private async propose(actor: Principal, state: ConversationState, staged: readonly StagedOperation[], extra: Pick<Plan, 'purpose' | 'undoOf' | 'notes'>): Promise<PlanRecord> {
    const { clock, newId } = this.dependencies;
    const plan = await planFor(operationReader(this.operations, actor), newId('plan_'), staged, extra, clock.now());
    for (const earlier of state.plans) if (earlier.status === 'proposed') earlier.status = 'superseded';
    state.slots = {};
    state.plans.push(plan);
    return plan;
  }

  /**
   * Runs `work` alone on the conversation. Keyed by owner too, so someone else's request for the
   * same id never learns that it is busy: it goes on to the ownership check inside and gets 404.
   */
  private async exclusively<T>(actor: Principal, id: string, work: () => Promise<T>): Promise<T> {
    const key = `${ownerOf(actor)} ${id}`;
    if (this.busy.has(key)) throw new GatewayError('conflict', 'This conversation is busy with another message or confirmation; wait for it to finish');
    this.busy.add(key);
    try {
      return await work();
    } finally {
      this.busy.delete(key);
    }
  }

  private async owned(actor: Principal, id: string): Promise<AdminConversationRecord> {
    const record = await this.dependencies.store.adminConversations.findById(id);
    if (record === undefined || record.orgId !== actor.orgId || record.ownerId !== ownerOf(actor)) throw new GatewayError('not_found', `No conversation '${id}'`);
    return record;
  }

  private async save(record: AdminConversationRecord, state: ConversationState, title: string = record.title): Promise<void> {
    record.state = state;
    record.title = title;
    record.updatedAt = this.dependencies.clock.now();
    await this.dependencies.store.adminConversations.update(record);
  }
}

/** Conversations belong to the identity behind the key (a person's keys share them). */
function ownerOf(actor: Principal): string {
  return `${actor.identity.kind}:${actor.identity.id}`;
}

function slotOwner(conversationId: string, slot: string): string {
  return `admin-conversation:${conversationId}:${slot}`;
}

function view(record: AdminConversationRecord, state: ConversationState): Conversation {
  return { id: record.id, createdAt: record.createdAt, messages: state.messages, plans: state.plans.map(planView) };
}

function textOf(result: ChatResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** The sealed slot values without those of a plan that is done with them. */
function withoutSlots(slots: Record<string, string>, done: ReadonlyArray<{ name: string }>): Record<string, string> {
  const names = new Set(done.map((slot) => slot.name));
  return Object.fromEntries(Object.entries(slots).filter(([name]) => !names.has(name)));
}
