import type { ChatEvent, FinishReason } from '../canonical/chat-event.js';
import type { ChatResult } from '../canonical/chat-result.js';
import type { GatewayError } from '../canonical/gateway-error.js';
import { emptyUsage, mergeUsage, type Usage } from '../canonical/usage.js';

/** Watches an answer go by and keeps what the request record needs: usage, finish, first token, error. */
export class AnswerMeter {
  usage: Usage = { ...emptyUsage };
  finishReason: FinishReason | undefined;
  error: GatewayError | undefined;
  /** Monotonic time of the first content event. */
  firstContentAt: number | undefined;
  /** The answer's text, kept only when a policy stores bodies. */
  private captured: string[] | undefined;
  /** The model and answer id the upstream named (traces: gen_ai.response.*). */
  responseModel: string | undefined;
  responseId: string | undefined;

  constructor(private readonly monotonic: () => number) {}

  /** Keeps the answer's text and tool calls from now on (a team policy stores bodies). */
  capture(): void {
    this.captured ??= [];
  }

  get capturedText(): string | undefined {
    return this.captured?.join('');
  }

  observe(events: readonly ChatEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'response-start':
          this.responseModel = event.model;
          this.responseId = event.id;
          break;
        case 'usage':
          this.usage = mergeUsage(this.usage, event.usage);
          break;
        case 'response-end':
          this.finishReason = event.finishReason;
          break;
        case 'error':
          this.error = event.error;
          break;
        case 'text-delta':
          this.firstContentAt ??= this.monotonic();
          this.captured?.push(event.text);
          break;
        case 'reasoning-delta':
          this.firstContentAt ??= this.monotonic();
          break;
        case 'tool-call-start':
          this.firstContentAt ??= this.monotonic();
          this.captured?.push(`\n[tool call ${event.name}] `);
          break;
        case 'tool-call-delta':
          this.captured?.push(event.argumentsJson);
          break;
        default:
          break;
      }
    }
  }

  observeResult(result: ChatResult): void {
    this.usage = result.usage;
    this.responseModel = result.model;
    this.responseId = result.id;
    this.finishReason = result.finishReason;
    this.firstContentAt ??= this.monotonic();
    if (this.captured !== undefined) {
      for (const part of result.content) {
        if (part.type === 'text') this.captured.push(part.text);
        else if (part.type === 'tool-call') this.captured.push(`\n[tool call ${part.name}] ${part.argumentsJson}`);
      }
    }
  }
}
