import type { ProviderTier } from '../store/records.js';

/** The cascade: the organization's own GPUs first, then Claude Code CLI workers, then cloud APIs. */
export const TIER_ORDER: readonly ProviderTier[] = ['gpu', 'cli', 'cloud'];

export function tierRank(tier: ProviderTier): number {
  return TIER_ORDER.indexOf(tier);
}
