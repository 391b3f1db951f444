import { z } from 'zod';

const TIERS = ['gpu', 'cli', 'cloud'] as const;

/**
 * What a team (or one key) may do. Every field is optional: absent means "no rule". A team's
 * effective policy is its organization-set `limits` narrowed by its own `policy`, and a key's
 * override can only narrow that further (`narrowPolicy`). The same schema validates the admin API,
 * documents it (OpenAPI) and types the service functions.
 */
export const policySchema = z
  .object({
    allowedTiers: z.array(z.enum(TIERS)).describe('tiers requests may be served by (gpu, cli, cloud)').optional(),
    allowedProviders: z.array(z.string().min(1)).describe('provider names requests may be served by').optional(),
    approvedModels: z
      .array(z.string().min(1))
      .describe('models or route aliases callers may use: exact names or * patterns, checked against the requested name and the provider model')
      .optional(),
    requestsPerMinute: z.number().int().positive().describe('requests admitted per rolling minute').optional(),
    tokensPerMinute: z.number().int().positive().describe('input + output tokens per rolling minute (reserved at admission, settled after)').optional(),
    concurrency: z.number().int().positive().describe('requests in flight at once').optional(),
    serviceClass: z.enum(['interactive', 'batch']).describe('queue priority when capacity is short').optional(),
    maxOutputTokens: z.number().int().positive().describe('output token limit per request (lower requested limits are kept)').optional(),
    monthlyBudgetUsd: z.number().positive().describe('spend per calendar month (UTC); a hard stop').optional(),
    budgetAlertAt: z.number().gt(0).lte(1).describe('fraction of the budget at which an alert is recorded (e.g. 0.8)').optional(),
    storeBodies: z.boolean().describe('keep request and response bodies with the request records').optional(),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

type ListField = 'allowedTiers' | 'allowedProviders' | 'approvedModels';
type CeilingField = 'requestsPerMinute' | 'tokensPerMinute' | 'concurrency' | 'maxOutputTokens' | 'monthlyBudgetUsd' | 'budgetAlertAt';

const LIST_FIELDS: readonly ListField[] = ['allowedTiers', 'allowedProviders', 'approvedModels'];
const CEILING_FIELDS: readonly CeilingField[] = ['requestsPerMinute', 'tokensPerMinute', 'concurrency', 'maxOutputTokens', 'monthlyBudgetUsd', 'budgetAlertAt'];

/**
 * The policy that obeys both: allow lists intersect (a `*` pattern kept only where the other side
 * allows it too), ceilings take the lower value, batch wins over interactive, and bodies are kept
 * when either asks.
 */
export function narrowPolicy(outer: Policy, inner: Policy): Policy {
  const result: Policy = {};
  for (const field of LIST_FIELDS) {
    const merged = intersect(outer[field], inner[field]);
    if (merged !== undefined) (result as Record<ListField, string[]>)[field] = merged;
  }
  for (const field of CEILING_FIELDS) {
    const a = outer[field];
    const b = inner[field];
    const value = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    if (value !== undefined) result[field] = value;
  }
  const serviceClass = outer.serviceClass === 'batch' || inner.serviceClass === 'batch' ? 'batch' : (inner.serviceClass ?? outer.serviceClass);
  if (serviceClass !== undefined) result.serviceClass = serviceClass;
  if (outer.storeBodies === true || inner.storeBodies === true) result.storeBodies = true;
  else if (outer.storeBodies === false || inner.storeBodies === false) result.storeBodies = false;
  return result;
}

/**
 * The rules of `inner` that are looser than `outer` (a team admin's policy outside the limits the
 * organization set): a ceiling raised or removed, a list that allows more.
 */
export function loosenings(outer: Policy, inner: Policy): string[] {
  const found: string[] = [];
  for (const field of CEILING_FIELDS) {
    const ceiling = outer[field];
    const value = inner[field];
    if (ceiling !== undefined && (value === undefined || value > ceiling)) found.push(`${field} (the organization allows at most ${ceiling})`);
  }
  for (const field of LIST_FIELDS) {
    const allowed = outer[field];
    if (allowed === undefined) continue;
    const wanted = inner[field];
    if (wanted === undefined) {
      found.push(`${field} (the organization allows only ${allowed.join(', ')})`);
      continue;
    }
    const extra = wanted.filter((item) => !allowed.some((pattern) => matchesPattern(pattern, item)));
    if (extra.length > 0) found.push(`${field} (${extra.join(', ')} is not allowed by the organization)`);
  }
  if (outer.serviceClass === 'batch' && inner.serviceClass !== 'batch') found.push('serviceClass (the organization sets batch)');
  return found;
}

/** An exact name or a `*` pattern (`claude-*`, `*-mini`, `*`). */
export function matchesPattern(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  return patternRegExp(pattern).test(name);
}

/** Patterns come from policies and provider price overrides, a handful each: compiled once, not per request. */
const compiledPatterns = new Map<string, RegExp>();
const MAX_COMPILED_PATTERNS = 1_000;

function patternRegExp(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    compiled = new RegExp(`^${parts.join('.*')}$`);
    if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, name));
}

/** Both lists' constraints at once: an item of one side survives when the other side allows it. */
function intersect(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b === undefined ? undefined : [...new Set(b)];
  if (b === undefined) return [...new Set(a)];
  const kept = new Set<string>();
  for (const item of a) if (matchesAny(b, item)) kept.add(item);
  for (const item of b) if (matchesAny(a, item)) kept.add(item);
  return [...kept];
}
