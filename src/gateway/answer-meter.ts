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
  /** The model and answer id the upstream named (traces: gen_ai.response.*). */
  responseModel: string | undefined;
  responseId: string | undefined;

  constructor(private readonly monotonic: () => number) {}

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
        case 'reasoning-delta':
        case 'tool-call-start':
          this.firstContentAt ??= this.monotonic();
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
  }
}
