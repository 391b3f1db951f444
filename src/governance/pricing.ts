import { calcPrice } from '@pydantic/genai-prices';
import type { Usage } from '../canonical/usage.js';
import { totalInputTokens } from '../canonical/usage.js';
import type { ModelPrice, ProviderKind } from '../store/records.js';
import { matchesPattern } from './policy.js';

export interface PricedCall {
  providerKind: ProviderKind;
  /** Prices set on the provider, by model name or `*` pattern; they win over the dataset. */
  overrides: Readonly<Record<string, ModelPrice>> | undefined;
  model: string;
  usage: Usage;
  /** What the upstream itself reported (Claude Code's total_cost_usd): taken as is. */
  reportedUsd: number | undefined;
}

const VENDORS: Partial<Record<ProviderKind, string>> = { openai: 'openai', anthropic: 'anthropic' };

/**
 * Models the dataset has no price for, by vendor. The dataset ships inside the package and does
 * not change while the process runs, and looking a model up scans every model's match rules
 * (about 1 % of the server's CPU per request for a model it does not know), so a miss is
 * remembered. Bounded: a stream of distinct unknown names cannot grow it without limit.
 */
const unpriced = new Set<string>();
const MAX_UNPRICED = 10_000;

/**
 * What a call cost in USD: the upstream's own figure when it reported one, else the provider's
 * price override for the model, else the open `@pydantic/genai-prices` dataset (shipped in the
 * package, no network). Undefined when nothing knows the model's price (a local model without an
 * override): the record then says "unknown" rather than a made-up zero.
 */
export function costOf(call: PricedCall): number | undefined {
  if (call.reportedUsd !== undefined) return call.reportedUsd;
  const override = overrideFor(call.overrides, call.model);
  if (override !== undefined) return priceWith(override, call.usage);
  // Worker tiers run the organization's own models: only a price set on the provider applies.
  if (call.providerKind === 'gpu-worker' || call.providerKind === 'cli-worker') return undefined;
  const vendor = VENDORS[call.providerKind];
  const usage = {
    input_tokens: totalInputTokens(call.usage),
    output_tokens: call.usage.outputTokens,
    cache_read_tokens: call.usage.cacheReadTokens,
    cache_write_tokens: call.usage.cacheWriteTokens,
  };
  const lookup = `${vendor ?? ''}\u0000${call.model}`;
  if (unpriced.has(lookup)) return undefined;
  try {
    const priced = calcPrice(usage, call.model, vendor === undefined ? {} : { providerId: vendor });
    if (priced !== null) return priced.total_price;
  } catch {
    // An unknown model or provider: no price, remembered below.
  }
  if (unpriced.size >= MAX_UNPRICED) unpriced.clear();
  unpriced.add(lookup);
  return undefined;
}

function overrideFor(overrides: PricedCall['overrides'], model: string): ModelPrice | undefined {
  if (overrides === undefined) return undefined;
  const exact = overrides[model];
  if (exact !== undefined) return exact;
  for (const [pattern, price] of Object.entries(overrides)) if (matchesPattern(pattern, model)) return price;
  return undefined;
}

function priceWith(price: ModelPrice, usage: Usage): number {
  const perToken = (perMTok: number | undefined, fallback: number): number => (perMTok ?? fallback) / 1_000_000;
  return (
    usage.inputTokens * perToken(price.inputPerMTok, 0) +
    usage.cacheReadTokens * perToken(price.cacheReadPerMTok, price.inputPerMTok) +
    usage.cacheWriteTokens * perToken(price.cacheWritePerMTok, price.inputPerMTok) +
    usage.outputTokens * perToken(price.outputPerMTok, 0)
  );
}
