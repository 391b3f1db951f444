import { matchesAny, type Policy } from './policy.js';

export interface CandidateFacts {
  providerName: string;
  tier: 'gpu' | 'cli' | 'cloud';
  /** The provider model that would serve the request. */
  model: string;
}

/**
 * Why a policy forbids serving a request with this candidate, or undefined when it allows it.
 *
 * Approved models are checked against both names a request has: approving a model approves it
 * wherever it is served (by name, or behind an alias); approving a route alias (`auto`, `coding`)
 * approves the candidates the alias is configured with. A plain model name is its own provider
 * model, so neither can be used to reach a model that is not approved.
 */
export function candidateRefusal(policy: Policy, requested: string, requestedIsAlias: boolean, candidate: CandidateFacts): string | undefined {
  if (policy.allowedTiers !== undefined && !policy.allowedTiers.includes(candidate.tier)) {
    return `policy allowedTiers: the ${candidate.tier} tier is not allowed`;
  }
  if (policy.allowedProviders !== undefined && !matchesAny(policy.allowedProviders, candidate.providerName)) {
    return `policy allowedProviders: provider ${candidate.providerName} is not allowed`;
  }
  if (policy.approvedModels !== undefined) {
    const approved = matchesAny(policy.approvedModels, candidate.model) || (requestedIsAlias && matchesAny(policy.approvedModels, requested));
    if (!approved) return `policy approvedModels: model ${candidate.model} is not approved`;
  }
  return undefined;
}
