import { GatewayError } from '../canonical/gateway-error.js';
import type { LimitState, RateLimitSnapshot } from '../canonical/rate-limits.js';
import type { Usage } from '../canonical/usage.js';
import { totalInputTokens } from '../canonical/usage.js';
import type { Clock } from '../platform/clock.js';
import type { PolicyDecision } from '../store/records.js';
import type { ConcurrencySlot, LimitStores } from './limits/limit-stores.js';
import type { Principal, ScopedPolicy } from './principal.js';

const MINUTE_MS = 60_000;

/** What a request is expected to use: input counted, output at most the request's limit. */
export interface AdmissionEstimate {
  inputTokens: number;
  maxOutputTokens: number;
}

/** A request let in: it holds its reservations until `settle` (called whatever way the request ends). */
export interface Admission {
  rateLimits: RateLimitSnapshot;
  /** Settles reserved tokens with the real usage, adds the spend, frees the concurrency slot. Idempotent. */
  settle(usage: Usage, costUsd: number | undefined): Promise<void>;
}

export interface BudgetAlert {
  scope: ScopedPolicy;
  month: string;
  spentUsd: number;
  budgetUsd: number;
}

interface Hold {
  scope: ScopedPolicy;
  tokenTicket?: string;
  requestTicket?: string;
  slot?: ConcurrencySlot;
}

/**
 * Enforces a principal's limits before any provider is called: monthly budget, requests and
 * tokens per rolling minute, and requests in flight — per team and, for a key with its own
 * override, per key too. A refusal is a 429 naming the rule, with Retry-After; everything taken
 * before the refusal is given back. The counters live in `LimitStores`, so replicas can share them.
 */
export class Admissions {
  constructor(
    private readonly stores: LimitStores,
    private readonly clock: Clock,
    private readonly onBudgetAlert: (alert: BudgetAlert) => void = () => undefined,
  ) {}

  /**
   * Lets a request in or refuses it (throws `rate_limited`). Each rule checked is appended to
   * `decisions`, refusals included. The estimate is computed only when a token limit applies.
   */
  async admit(principal: Principal, estimate: () => AdmissionEstimate, decisions: PolicyDecision[]): Promise<Admission> {
    const scopes = [principal.teamPolicy, principal.keyPolicy].filter((scope): scope is ScopedPolicy => scope !== undefined);
    const holds: Hold[] = [];
    const snapshot: RateLimitSnapshot = {};
    if (scopes.length === 0) return { rateLimits: snapshot, settle: async () => undefined };
    const now = this.clock.now();
    let tokens = 0;
    if (scopes.some((scope) => scope.policy.tokensPerMinute !== undefined)) {
      const expected = estimate();
      tokens = expected.inputTokens + expected.maxOutputTokens;
    }
    try {
      for (const scope of scopes) {
        const hold: Hold = { scope };
        holds.push(hold);
        await this.checkBudget(scope, now, decisions);
        const { requestsPerMinute, tokensPerMinute, concurrency } = scope.policy;
        if (requestsPerMinute !== undefined) {
          const verdict = await this.stores.windows.take(`${scope.scope}:requests`, 1, requestsPerMinute, MINUTE_MS, now);
          const state = { limit: requestsPerMinute, remaining: verdict.remaining, resetMs: verdict.resetMs };
          snapshot.requests = tighter(snapshot.requests, state);
          if (!verdict.admitted) {
            decisions.push({ rule: 'requestsPerMinute', scope: scope.scope, outcome: 'refused' });
            throw refusal(`${scope.label} allows ${requestsPerMinute} requests per minute (policy requestsPerMinute)`, verdict.retryAfterMs, snapshot);
          }
          hold.requestTicket = verdict.ticket;
          decisions.push({ rule: 'requestsPerMinute', scope: scope.scope, outcome: 'admitted', detail: `${verdict.remaining} left` });
        }
        if (tokensPerMinute !== undefined) {
          const verdict = await this.stores.windows.take(`${scope.scope}:tokens`, tokens, tokensPerMinute, MINUTE_MS, now);
          const state = { limit: tokensPerMinute, remaining: verdict.remaining, resetMs: verdict.resetMs };
          snapshot.tokens = tighter(snapshot.tokens, state);
          if (!verdict.admitted) {
            decisions.push({ rule: 'tokensPerMinute', scope: scope.scope, outcome: 'refused', detail: `needs ${tokens}` });
            const never = !Number.isFinite(verdict.retryAfterMs);
            throw refusal(
              never
                ? `this request alone may use ${tokens} tokens (input plus its output limit), more than the ${tokensPerMinute} per minute ${scope.label} allows (policy tokensPerMinute); lower max_tokens`
                : `${scope.label} allows ${tokensPerMinute} tokens per minute (policy tokensPerMinute); this request reserves ${tokens}`,
              never ? MINUTE_MS : verdict.retryAfterMs,
              snapshot,
            );
          }
          hold.tokenTicket = verdict.ticket;
          decisions.push({ rule: 'tokensPerMinute', scope: scope.scope, outcome: 'admitted', detail: `reserved ${tokens}` });
        }
        if (concurrency !== undefined) {
          const slot = await this.stores.concurrency.acquire(`${scope.scope}:in-flight`, concurrency);
          if (slot === undefined) {
            decisions.push({ rule: 'concurrency', scope: scope.scope, outcome: 'refused' });
            throw refusal(`${scope.label} allows ${concurrency} requests in flight at once (policy concurrency)`, 1_000, snapshot);
          }
          hold.slot = slot;
          decisions.push({ rule: 'concurrency', scope: scope.scope, outcome: 'admitted' });
        }
      }
    } catch (error) {
      await this.giveBack(holds);
      throw error;
    }
    let settled = false;
    return {
      rateLimits: snapshot,
      settle: async (usage, costUsd) => {
        if (settled) return;
        settled = true;
        const used = totalInputTokens(usage) + usage.outputTokens;
        const at = this.clock.now();
        for (const hold of holds) {
          hold.slot?.release();
          if (hold.tokenTicket !== undefined) await this.stores.windows.settle(`${hold.scope.scope}:tokens`, hold.tokenTicket, used, at);
          if (costUsd !== undefined && costUsd > 0 && hold.scope.policy.monthlyBudgetUsd !== undefined) await this.addSpend(hold.scope, costUsd, at);
        }
      },
    };
  }

  /** Spend already recorded (at start-up, from the request log), so budgets hold across restarts. */
  async preload(scope: string, month: string, usd: number): Promise<void> {
    if (usd > 0) await this.stores.spend.add(scope, month, usd);
  }

  private async checkBudget(scope: ScopedPolicy, now: number, decisions: PolicyDecision[]): Promise<void> {
    const budget = scope.policy.monthlyBudgetUsd;
    if (budget === undefined) return;
    const month = monthOf(now);
    const spent = await this.stores.spend.spent(scope.scope, month);
    if (spent >= budget) {
      decisions.push({ rule: 'monthlyBudgetUsd', scope: scope.scope, outcome: 'refused', detail: `spent ${spent.toFixed(4)} of ${budget}` });
      throw refusal(
        `${scope.label} has spent its monthly budget of $${budget} ($${spent.toFixed(2)} this month; policy monthlyBudgetUsd)`,
        untilNextMonth(now),
      );
    }
    decisions.push({ rule: 'monthlyBudgetUsd', scope: scope.scope, outcome: 'admitted', detail: `spent ${spent.toFixed(4)} of ${budget}` });
  }

  private async addSpend(scope: ScopedPolicy, usd: number, at: number): Promise<void> {
    const month = monthOf(at);
    const total = await this.stores.spend.add(scope.scope, month, usd);
    const budget = scope.policy.monthlyBudgetUsd ?? Number.POSITIVE_INFINITY;
    const threshold = budget * (scope.policy.budgetAlertAt ?? 1);
    if (total >= threshold && total - usd < threshold) this.onBudgetAlert({ scope, month, spentUsd: total, budgetUsd: budget });
  }

  private async giveBack(holds: Hold[]): Promise<void> {
    const now = this.clock.now();
    for (const hold of holds) {
      hold.slot?.release();
      if (hold.requestTicket !== undefined) await this.stores.windows.settle(`${hold.scope.scope}:requests`, hold.requestTicket, 0, now);
      if (hold.tokenTicket !== undefined) await this.stores.windows.settle(`${hold.scope.scope}:tokens`, hold.tokenTicket, 0, now);
    }
  }
}

function refusal(rule: string, retryAfterMs: number, rateLimits?: RateLimitSnapshot): GatewayError {
  const seconds = Math.ceil(retryAfterMs / 1000);
  return new GatewayError('rate_limited', `Limit reached: ${rule}. Retry in ${seconds} s.`, {
    retryAfterMs: Math.max(1, retryAfterMs),
    retryable: false,
    ...(rateLimits === undefined ? {} : { rateLimits }),
  });
}

/** The state closest to refusing, when a team and a key both count. */
function tighter(current: LimitState | undefined, next: LimitState): LimitState {
  if (current === undefined || next.remaining < current.remaining) return next;
  return current;
}

/** `YYYY-MM` in UTC: budgets are per calendar month. Remembered for the month last asked, since every admitted request asks twice. */
export function monthOf(at: number): string {
  if (at < lastMonth.start || at >= lastMonth.end) {
    const date = new Date(at);
    const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    lastMonth = { start, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1), name: date.toISOString().slice(0, 7) };
  }
  return lastMonth.name;
}

let lastMonth = { start: 0, end: 0, name: '' };

function untilNextMonth(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) - now;
}
