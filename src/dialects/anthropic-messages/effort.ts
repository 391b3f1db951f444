import type { ReasoningEffort } from '../../canonical/chat-request.js';

/**
 * Anthropic's effort levels (`output_config.effort`, Claude Code's `--effort`): low, medium, high,
 * xhigh, max. OpenAI's `minimal` has no match and becomes low; `none` means leave it unset.
 */
export function anthropicEffort(effort: ReasoningEffort | undefined): string | undefined {
  switch (effort) {
    case undefined:
    case 'none':
      return undefined;
    case 'minimal':
      return 'low';
    case 'low':
    case 'medium':
    case 'high':
    case 'xhigh':
    case 'max':
      return effort;
  }
}
