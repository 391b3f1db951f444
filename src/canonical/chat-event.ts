import type { GatewayError } from './gateway-error.js';
import type { Usage } from './usage.js';

/**
 * One event of a streamed answer, whatever produced it (an HTTP upstream, a GPU worker, a CLI worker).
 *
 * Content blocks are addressed by `index`, assigned 0, 1, 2, ... in the order blocks start; a block
 * always sees start → delta* → end before the next block starts.
 */
export type ChatEvent =
  | { type: 'response-start'; id: string; model: string }
  | { type: 'text-start'; index: number }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'text-end'; index: number }
  | { type: 'reasoning-start'; index: number; redactedData?: string }
  | { type: 'reasoning-delta'; index: number; text: string }
  | { type: 'reasoning-end'; index: number; signature?: string }
  | { type: 'tool-call-start'; index: number; callId: string; name: string }
  | { type: 'tool-call-delta'; index: number; argumentsJson: string }
  | { type: 'tool-call-end'; index: number }
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'response-end'; finishReason: FinishReason; stopSequence?: string }
  | { type: 'error'; error: GatewayError };

export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** The reason in one vocabulary, plus the upstream's own word for audit. */
export interface FinishReason {
  unified: UnifiedFinishReason;
  raw?: string;
}

/** Events that mean the upstream has really started answering (the commit point for failover). */
export function isMeaningfulEvent(event: ChatEvent): boolean {
  switch (event.type) {
    case 'response-start':
    case 'usage':
      return false;
    case 'text-start':
    case 'text-delta':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end':
    case 'tool-call-start':
    case 'tool-call-delta':
    case 'tool-call-end':
    case 'response-end':
    case 'error':
      return true;
  }
}
