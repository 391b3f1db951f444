import type { AssistantPart } from './chat-request.js';
import type { FinishReason } from './chat-event.js';
import type { Usage } from './usage.js';

/** A whole answer: what non-streaming callers receive, collected from the event stream. */
export interface ChatResult {
  id: string;
  model: string;
  content: AssistantPart[];
  finishReason: FinishReason;
  stopSequence?: string;
  usage: Usage;
}
