import { CliError } from '../cli-errors.js';
import type { AgentApi } from './agent-api.js';
import type { Conversation, Plan } from './agent-types.js';
import { printable, renderApplyResult, renderBanner, renderNotice, renderPlan, renderToolEvent, type Style } from './plan-view.js';
import { createPrompter, type Prompter } from './prompter.js';
import type { SecretInputStream } from '../secret-input.js';

/** The process's streams as the session uses them; main.ts passes stdin, stdout, stderr and SIGINT. */
export interface SessionIo {
  input: SecretInputStream;
  output: NodeJS.WritableStream;
  writeError(text: string): void;
  /** Subscribes to Ctrl-C arriving as a signal (during a turn the terminal is not in raw mode); returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
  style: Style;
}

const PROMPT = 'you › ';
const HELP = 'Type what you want done. /undo proposes taking back the last applied plan; /quit or Ctrl-D leaves; Ctrl-C stops an answer.';

/**
 * `auxot admin`: a conversation with the Admin Agent at the terminal. Each line is a message;
 * the answer streams in; a plan is shown, its secrets asked for at hidden prompts and stored
 * out of band, and it is applied only on an explicit `y`.
 */
export async function runAdminSession(api: AgentApi, io: SessionIo, options: { conversationId?: string }): Promise<void> {
  const conversation = options.conversationId === undefined ? await api.startConversation() : await api.conversation(options.conversationId);
  const session = new AdminSession(api, io, conversation.id, createPrompter({ input: io.input, output: io.output }));
  const unsubscribe = io.onInterrupt(() => session.interrupt());
  try {
    await session.run(conversation, options.conversationId !== undefined);
  } finally {
    unsubscribe();
    session.close();
  }
}

class AdminSession {
  /** Aborts the request in flight, if any; Ctrl-C calls it. */
  private abortInFlight: (() => void) | undefined;
  /** Set when input ended during a plan's questions: the session ends after that plan. */
  private inputEnded = false;

  constructor(
    private readonly api: AgentApi,
    private readonly io: SessionIo,
    private readonly conversationId: string,
    private readonly prompter: Prompter,
  ) {}

  async run(conversation: Conversation, resumed: boolean): Promise<void> {
    const { style } = this.io;
    this.line(renderBanner(conversation.id, resumed ? { messages: conversation.messages.length } : undefined, style));
    if (resumed) await this.resume(conversation);
    while (!this.inputEnded) {
      this.line('');
      const answer = await this.prompter.ask(style.bold(PROMPT));
      if (answer.kind === 'end') break;
      if (answer.kind === 'interrupt') {
        if (answer.lineWasEmpty) break;
        continue;
      }
      const text = answer.text.trim();
      if (text === '') continue;
      if (text === '/quit' || text === '/exit') break;
      if (text === '/help') {
        this.line(style.dim(HELP));
        continue;
      }
      await this.guarded(async () => {
        const plan = text === '/undo' ? await this.inFlight((signal) => this.api.undo(this.conversationId, signal)) : await this.turn(text);
        if (plan !== undefined) await this.review(plan);
      });
    }
  }

  interrupt(): void {
    if (this.abortInFlight !== undefined) this.abortInFlight();
    else this.prompter.close();
  }

  close(): void {
    this.prompter.close();
  }

  private async resume(conversation: Conversation): Promise<void> {
    const last = conversation.messages.filter((message) => message.role === 'assistant').at(-1);
    if (last !== undefined) this.line(`${this.io.style.dim('last answer:')} ${printable(last.text)}`);
    const pending = conversation.plans.filter((plan) => plan.status === 'proposed').at(-1);
    if (pending !== undefined) await this.guarded(() => this.review(pending));
  }

  /** One message and its streamed answer; the plan it proposed, if any. */
  private async turn(content: string): Promise<Plan | undefined> {
    const { style } = this.io;
    let atLineStart = true;
    const newline = (): void => {
      if (!atLineStart) this.io.output.write('\n');
      atLineStart = true;
    };
    // Filled in by the stream loop (a closure, so an object rather than narrowed locals).
    const turn: { plan?: Plan; done: boolean; sawText: boolean } = { done: false, sawText: false };
    const finished = await this.inFlight(async (signal) => {
      for await (const event of this.api.send(this.conversationId, content, signal)) {
        switch (event.type) {
          case 'text': {
            const text = printable(event.delta);
            if (text === '') break;
            this.io.output.write(text);
            turn.sawText = true;
            atLineStart = text.endsWith('\n');
            break;
          }
          case 'tool':
            newline();
            this.line(renderToolEvent(event, style));
            break;
          case 'notice':
            newline();
            this.line(renderNotice(event.text, style));
            break;
          case 'plan':
            turn.plan = event.plan;
            break;
          case 'done':
            turn.done = true;
            turn.plan ??= event.result.plan;
            if (!turn.sawText && event.result.message.text !== '') {
              newline();
              this.line(printable(event.result.message.text));
            }
            break;
          case 'error':
            newline();
            this.io.writeError(`error: ${printable(event.error.message)} (${printable(event.error.type)})\n`);
            turn.done = true;
            break;
        }
      }
      return true;
    });
    newline();
    if (finished === undefined) return undefined;
    if (!turn.done) throw new CliError('the answer ended before the server finished it; try again');
    return turn.plan?.status === 'proposed' ? turn.plan : undefined;
  }

  /** Shows the plan, collects its secrets out of band, and applies it on `y`; anything else rejects it. */
  private async review(plan: Plan): Promise<void> {
    const { style } = this.io;
    this.line('');
    this.line(renderPlan(plan, style));
    for (const slot of plan.secretSlots.filter((candidate) => !candidate.filled)) {
      const value = await this.prompter.askSecret(`${printable(slot.label)} (${printable(slot.name)}; typing is hidden): `);
      if (value === undefined) {
        this.line('cancelled');
        return this.reject(plan);
      }
      const stored = await this.inFlight(async (signal) => {
        await this.api.putSecret(this.conversationId, slot.name, value, signal);
        return true;
      });
      if (stored === undefined) return this.reject(plan);
      this.line(style.dim(`· ${printable(slot.name)} stored on the server (the agent sees only its name)`));
    }
    const answer = await this.prompter.ask(style.bold('Apply this plan? [y/N] '));
    if (answer.kind === 'end') this.inputEnded = true;
    if (answer.kind !== 'line' || !/^y(es)?$/i.test(answer.text.trim())) return this.reject(plan);
    const result = await this.inFlight((signal) => this.api.confirm(this.conversationId, plan, signal));
    if (result === undefined) this.line('The server may still apply the plan it was given; ask the agent what changed before you go on.');
    else this.line(renderApplyResult(result, style));
  }

  private async reject(plan: Plan): Promise<void> {
    await this.inFlight((signal) => this.api.reject(this.conversationId, plan.id, signal));
    this.line('Plan rejected; nothing was changed.');
  }

  /**
   * Runs one request that Ctrl-C may abort. Resolves undefined when it was aborted ("cancelled"
   * is printed); the server treats the hang-up as a cancel.
   */
  private async inFlight<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const controller = new AbortController();
    this.abortInFlight = () => controller.abort();
    try {
      return await request(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) {
        this.line(this.io.style.warn('cancelled'));
        return undefined;
      }
      throw error;
    } finally {
      this.abortInFlight = undefined;
    }
  }

  /** An API failure ends the current step, not the session: it is printed and the prompt returns. */
  private async guarded(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      this.io.writeError(`error: ${error.message}\n`);
    }
  }

  private line(text: string): void {
    this.io.output.write(`${text}\n`);
  }
}
