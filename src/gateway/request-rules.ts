import type { ChatRequest } from '../canonical/chat-request.js';
import type { Principal } from '../governance/principal.js';
import type { PolicyDecision } from '../store/records.js';

/** Output tokens assumed for a request that sets no limit, when a token-per-minute limit needs an estimate. */
export const DEFAULT_OUTPUT_ESTIMATE = 4_096;

/**
 * The policy rules that change a request rather than admit or refuse it: the output limit is
 * lowered to the policy's (a request asking for less keeps its own). Returns notes for the
 * `x-auxot-warnings` header.
 */
export function applyRequestRules(request: ChatRequest, principal: Principal, decisions: PolicyDecision[]): string[] {
  const ceiling = principal.policy.maxOutputTokens;
  if (ceiling === undefined || (request.maxOutputTokens !== undefined && request.maxOutputTokens <= ceiling)) return [];
  const asked = request.maxOutputTokens;
  request.maxOutputTokens = ceiling;
  const scope = principal.keyPolicy?.policy.maxOutputTokens === ceiling ? principal.keyPolicy.scope : (principal.teamPolicy?.scope ?? `key:${principal.keyId}`);
  decisions.push({ rule: 'maxOutputTokens', scope, outcome: 'applied', detail: `${asked ?? 'unset'} -> ${ceiling}` });
  return [`output limit ${asked === undefined ? 'set' : `lowered from ${asked}`} to ${ceiling} tokens by policy maxOutputTokens`];
}
