import { candidateRefusal } from '../../governance/candidate-policy.js';
import { requireOrgAdmin } from '../../governance/permissions.js';
import { narrowPolicy, type Policy } from '../../governance/policy.js';
import type { Principal } from '../../governance/principal.js';
import type { ProviderTier } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { actingTeams, activeKeys } from './access-checks.js';
import { providersByName, routesInUse, type AutoCascade } from './routes-in-use.js';

export interface HandoffRoute {
  name: string;
  /** `auto` as the built-in cascade, not a configured route. */
  builtIn: boolean;
  /** The candidates the team's policy lets it reach, in order. */
  candidates: Array<{ provider: string; model: string; tier: ProviderTier }>;
}

export interface HandoffTeam {
  name: string;
  description: string;
  serviceClass: 'interactive' | 'batch';
  /** The team's limits narrowed by its own policy: what its requests obey. */
  policy: Policy;
  /** How many keys act for the team now (their values are never shown). */
  activeKeys: number;
  routes: HandoffRoute[];
}

export interface HandoffSummary {
  baseUrl: string;
  endpoints: { openai: string; anthropic: string };
  teams: HandoffTeam[];
  instructions: { claudeCode: string; codex: string; openaiSdk: string; anthropicSdk: string };
  /** All of the above as markdown, for people. */
  text: string;
}

export interface HandoffDependencies {
  store: Store;
  now(): number;
  autoCascade: AutoCascade;
  /** Where callers reach Auxot when the caller names no base URL. */
  defaultBaseUrl(): string;
}

const KEY_PLACEHOLDER = '<your Auxot API key>';

/** The hand-off summary: where to point clients, and what each team may use. Never holds a key. */
export async function handoffSummary(dependencies: HandoffDependencies, actor: Principal, input: { baseUrl?: string | undefined }): Promise<HandoffSummary> {
  requireOrgAdmin(actor, 'reading the hand-off summary');
  const { store } = dependencies;
  const baseUrl = (input.baseUrl ?? dependencies.defaultBaseUrl()).replace(/\/+$/, '');
  const endpoints = { openai: `${baseUrl}/api/openai/v1`, anthropic: `${baseUrl}/api/anthropic` };
  const providers = providersByName(await store.providers.list(actor.orgId));
  const routes = await routesInUse(store, actor.orgId, dependencies.autoCascade);
  const keys = await activeKeys(store, actor.orgId, dependencies.now());
  const acting = [...(await actingTeams(store, keys)).values()];
  const teams: HandoffTeam[] = [];
  for (const team of (await store.teams.list(actor.orgId)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const policy = narrowPolicy(team.limits, team.policy);
    const usable: HandoffRoute[] = [];
    for (const route of routes) {
      const candidates = route.candidates.flatMap((candidate) => {
        const provider = providers.get(candidate.provider);
        if (provider === undefined || !provider.enabled) return [];
        const refused = candidateRefusal(policy, route.name, true, { providerName: provider.name, tier: provider.tier, model: candidate.model });
        return refused === undefined ? [{ provider: provider.name, model: candidate.model, tier: provider.tier }] : [];
      });
      if (candidates.length > 0) usable.push({ name: route.name, builtIn: route.builtIn, candidates });
    }
    teams.push({ name: team.name, description: team.description, serviceClass: policy.serviceClass ?? 'interactive', policy, activeKeys: acting.filter((id) => id === team.id).length, routes: usable });
  }
  const model = teams.flatMap((team) => team.routes).find((route) => !route.builtIn)?.name ?? 'auto';
  const instructions = clientInstructions(endpoints, model);
  return { baseUrl, endpoints, teams, instructions, text: markdown(baseUrl, endpoints, teams, instructions) };
}

function clientInstructions(endpoints: HandoffSummary['endpoints'], model: string): HandoffSummary['instructions'] {
  return {
    claudeCode: [`export ANTHROPIC_BASE_URL=${endpoints.anthropic}`, `export ANTHROPIC_API_KEY=${KEY_PLACEHOLDER}`, 'claude'].join('\n'),
    codex: [
      '# $CODEX_HOME/config.toml (top-level keys before any table); export AUXOT_API_KEY=<your Auxot API key>',
      `model = "${model}"                 # any route or model name your team may use`,
      'model_provider = "auxot"',
      '[model_providers.auxot]',
      'name = "Auxot"',
      `base_url = "${endpoints.openai}"`,
      'env_key = "AUXOT_API_KEY"',
      'wire_api = "responses"',
    ].join('\n'),
    openaiSdk: [
      "import OpenAI from 'openai';",
      `const client = new OpenAI({ baseURL: '${endpoints.openai}', apiKey: process.env.AUXOT_API_KEY });`,
      `await client.chat.completions.create({ model: '${model}', messages: [{ role: 'user', content: 'Hello' }] });`,
      `# Python: OpenAI(base_url="${endpoints.openai}", api_key=os.environ["AUXOT_API_KEY"])`,
    ].join('\n'),
    anthropicSdk: [
      "import Anthropic from '@anthropic-ai/sdk';",
      `const client = new Anthropic({ baseURL: '${endpoints.anthropic}', apiKey: process.env.AUXOT_API_KEY });`,
      `await client.messages.create({ model: '${model}', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });`,
      `# Python: Anthropic(base_url="${endpoints.anthropic}", api_key=os.environ["AUXOT_API_KEY"])`,
    ].join('\n'),
  };
}

function markdown(baseUrl: string, endpoints: HandoffSummary['endpoints'], teams: readonly HandoffTeam[], instructions: HandoffSummary['instructions']): string {
  const lines = [
    '# Auxot hand-off',
    '',
    `Auxot runs at ${baseUrl}. Every caller uses their own Auxot API key (delivered separately, never in this summary).`,
    '',
    '| surface | base URL |',
    '| --- | --- |',
    `| OpenAI SDK, OpenAI-compatible tools, Codex | \`${endpoints.openai}\` |`,
    `| Anthropic SDK, Claude Code | \`${endpoints.anthropic}\` |`,
    '',
    '## Teams',
  ];
  if (teams.length === 0) lines.push('', 'No teams yet.');
  for (const team of teams) {
    lines.push('', `### ${team.name}${team.description === '' ? '' : ` — ${team.description}`}`, '');
    lines.push(`- Service class: ${team.serviceClass}`);
    lines.push(`- Limits: ${policyLine(team.policy)}`);
    lines.push(`- Active API keys: ${team.activeKeys}`);
    lines.push(`- Routes: ${team.routes.length === 0 ? 'none (its policy allows no configured candidate)' : ''}`);
    for (const route of team.routes) {
      lines.push(`  - \`${route.name}\`${route.builtIn ? ' (built-in cascade)' : ''}: ${route.candidates.map((candidate) => `${candidate.provider}:${candidate.model} (${candidate.tier})`).join(' → ')}`);
    }
  }
  lines.push('', '## Claude Code', '', '```sh', instructions.claudeCode, '```');
  lines.push('', '## Codex', '', '```toml', instructions.codex, '```');
  lines.push('', '## OpenAI SDK', '', '```ts', instructions.openaiSdk, '```');
  lines.push('', '## Anthropic SDK', '', '```ts', instructions.anthropicSdk, '```', '');
  return lines.join('\n');
}

function policyLine(policy: Policy): string {
  const parts: string[] = [];
  if (policy.requestsPerMinute !== undefined) parts.push(`${policy.requestsPerMinute} requests/min`);
  if (policy.tokensPerMinute !== undefined) parts.push(`${policy.tokensPerMinute} tokens/min`);
  if (policy.concurrency !== undefined) parts.push(`${policy.concurrency} at once`);
  if (policy.maxOutputTokens !== undefined) parts.push(`at most ${policy.maxOutputTokens} output tokens per request`);
  if (policy.monthlyBudgetUsd !== undefined) parts.push(`$${policy.monthlyBudgetUsd}/month`);
  if (policy.allowedTiers !== undefined) parts.push(`tiers ${policy.allowedTiers.join(', ')}`);
  if (policy.allowedProviders !== undefined) parts.push(`providers ${policy.allowedProviders.join(', ')}`);
  if (policy.approvedModels !== undefined) parts.push(`models ${policy.approvedModels.join(', ')}`);
  return parts.length === 0 ? 'none' : parts.join('; ');
}
