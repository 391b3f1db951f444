import type { AssistantPart } from './chat-request.js';
import type { ChatEvent, FinishReason } from './chat-event.js';
import type { ChatResult } from './chat-result.js';
import { GatewayError } from './gateway-error.js';
import { emptyUsage, mergeUsage, type Usage } from './usage.js';

/** Accumulates a stream of events into one answer, for callers that did not ask to stream. */
export class ResultCollector {
  private id = '';
  private model = '';
  private readonly parts = new Map<number, AssistantPart>();
  private usage: Usage = { ...emptyUsage };
  private finishReason: FinishReason | undefined;
  private stopSequence: string | undefined;

  /** Applies one event. Throws the stream's error, if it carries one. */
  push(event: ChatEvent): void {
    switch (event.type) {
      case 'response-start':
        this.id = event.id;
        this.model = event.model;
        return;
      case 'text-start':
        this.parts.set(event.index, { type: 'text', text: '' });
        return;
      case 'text-delta': {
        const part = this.parts.get(event.index);
        if (part?.type === 'text') part.text += event.text;
        return;
      }
      case 'reasoning-start':
        this.parts.set(event.index, {
          type: 'reasoning',
          text: '',
          ...(event.redactedData === undefined ? {} : { redactedData: event.redactedData }),
        });
        return;
      case 'reasoning-delta': {
        const part = this.parts.get(event.index);
        if (part?.type === 'reasoning') part.text += event.text;
        return;
      }
      case 'reasoning-end': {
        const part = this.parts.get(event.index);
        if (part?.type === 'reasoning' && event.signature !== undefined) part.signature = event.signature;
        return;
      }
      case 'tool-call-start':
        this.parts.set(event.index, { type: 'tool-call', callId: event.callId, name: event.name, argumentsJson: '' });
        return;
      case 'tool-call-delta': {
        const part = this.parts.get(event.index);
        if (part?.type === 'tool-call') part.argumentsJson += event.argumentsJson;
        return;
      }
      case 'text-end':
      case 'tool-call-end':
        return;
      case 'usage':
        this.usage = mergeUsage(this.usage, event.usage);
        return;
      case 'response-end':
        this.finishReason = event.finishReason;
        this.stopSequence = event.stopSequence;
        return;
      case 'error':
        throw event.error;
    }
  }

  /** The answer so far; throws when the stream never reached its end. */
  result(): ChatResult {
    if (this.finishReason === undefined) {
      throw new GatewayError('upstream_error', 'The upstream answer ended before it was complete');
    }
    const content = [...this.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
    return {
      id: this.id,
      model: this.model,
      content,
      finishReason: this.finishReason,
      ...(this.stopSequence === undefined ? {} : { stopSequence: this.stopSequence }),
      usage: this.usage,
    };
  }
}
