import type { Dispatcher } from 'undici';
import { sealOwner } from '../../providers/provider-factory.js';
import type { CircuitState } from '../../routing/circuit-breaker.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { ProviderRecord } from '../../store/records.js';
import { probeHttpProvider, type ProbeAnswer } from './provider-probe.js';
import type { RouteInUse } from './routes-in-use.js';
import type { ValidationCheck } from './validation-report.js';

export interface ProviderCheckDependencies {
  secrets: SecretBox;
  dispatcher: Dispatcher;
  /** The workers connected now, by provider name. */
  connectedWorkers(): ReadonlyArray<{ provider: string; suspect: boolean }>;
  circuitState(providerId: string): CircuitState;
  timeoutMs: number;
}

/** Every enabled provider answers: HTTP ones list their models with their key; worker pools have a worker connected. */
export async function providerChecks(providers: readonly ProviderRecord[], dependencies: ProviderCheckDependencies): Promise<ValidationCheck[]> {
  return Promise.all(providers.filter((provider) => provider.enabled).map((provider) => providerCheck(provider, dependencies)));
}

async function providerCheck(provider: ProviderRecord, dependencies: ProviderCheckDependencies): Promise<ValidationCheck> {
  const check = { check: 'provider.answers', target: `provider '${provider.name}'` };
  if (provider.kind === 'gpu-worker' || provider.kind === 'cli-worker') {
    const workers = dependencies.connectedWorkers().filter((worker) => worker.provider === provider.name);
    if (workers.some((worker) => !worker.suspect)) return { ...check, ok: true };
    const command = provider.kind === 'gpu-worker' ? 'auxot worker gpu' : 'auxot worker cli';
    if (workers.length > 0) {
      return { ...check, ok: false, problem: `Every worker of '${provider.name}' is connected but failing its jobs (suspect)`, fix: `Check the workers' logs and engines (auxot workers list), then restart them: ${command} --server <Auxot URL>` };
    }
    return {
      ...check,
      ok: false,
      problem: `No worker of '${provider.name}' is connected, so it has no capacity`,
      fix: `Create a worker key (auxot workers add-key <worker-name> --provider ${provider.name}) and start a worker with it on the machine: AUXOT_WORKER_KEY=<worker key> ${command} --server <Auxot URL>`,
    };
  }
  if (provider.baseUrl === null) return { ...check, ok: false, problem: `'${provider.name}' has no baseUrl`, fix: `Set one: auxot providers update ${provider.name} --base-url <url>` };
  let apiKey: string | undefined;
  try {
    apiKey = provider.sealedApiKey === null ? undefined : dependencies.secrets.open(provider.sealedApiKey, sealOwner(provider.id));
  } catch {
    return { ...check, ok: false, problem: `The stored API key of '${provider.name}' cannot be opened with this master key`, fix: `Set its key again: auxot providers update ${provider.name} --api-key-env <VARIABLE>` };
  }
  const answer = await probeHttpProvider({ kind: provider.kind, baseUrl: provider.baseUrl, apiKey }, dependencies.dispatcher, dependencies.timeoutMs);
  const verdict = judge(provider, answer, apiKey !== undefined);
  if (verdict === undefined) return { ...check, ok: true };
  const upstreamText = answer.kind === 'answered' ? answer.upstreamText : undefined;
  return { ...check, ok: false, ...verdict, ...(upstreamText === undefined ? {} : { upstreamText }) };
}

/** What an answer means, in Auxot's own words (undefined: it answered as it should). */
function judge(provider: ProviderRecord, answer: ProbeAnswer, hasKey: boolean): { problem: string; fix: string } | undefined {
  const name = provider.name;
  const request = `GET ${answer.path}`;
  if (answer.kind === 'no-answer') {
    return {
      problem: `'${name}' did not answer ${request} at ${provider.baseUrl ?? ''}: ${answer.reason}`,
      fix: `Check that the server is running and reachable from the Auxot host, or correct the address: auxot providers update ${name} --base-url <url>`,
    };
  }
  const { status } = answer;
  if (status === 401 || status === 403) {
    return {
      problem: hasKey ? `'${name}' refused its API key (${request} answered HTTP ${status})` : `'${name}' wants an API key and has none (${request} answered HTTP ${status})`,
      fix: `Set a valid key: auxot providers update ${name} --api-key-env <VARIABLE> (or PATCH /api/admin/providers/${name} with apiKey)`,
    };
  }
  if (status === 404) {
    return {
      problem: `'${name}' has no model list at ${request} (HTTP 404): the baseUrl is probably wrong`,
      fix: `Check its baseUrl (OpenAI-style base URLs end in /v1; Anthropic's do not): auxot providers update ${name} --base-url <url>`,
    };
  }
  if (status === 429) {
    return { problem: `'${name}' is rate limited or out of quota (${request} answered HTTP 429)`, fix: `Check the account's rate limits, quota and billing with the vendor, then validate again` };
  }
  if (status >= 500) {
    return { problem: `'${name}' is failing (${request} answered HTTP ${status})`, fix: `Check the upstream server (or the vendor's status page) and validate again` };
  }
  if (status >= 300) {
    return { problem: `'${name}' refused ${request} (HTTP ${status})`, fix: `Check its baseUrl and kind (${provider.kind}): auxot providers show ${name}` };
  }
  if (!answer.isModelList) {
    return { problem: `'${name}' answered ${request} with something other than a model list`, fix: `Check that its baseUrl is a ${provider.kind} API: auxot providers update ${name} --base-url <url>` };
  }
  return undefined;
}

/** Every route resolves to at least one candidate whose provider exists, is enabled, answered and has its circuit closed. */
export function routeChecks(routes: readonly RouteInUse[], providers: ReadonlyMap<string, ProviderRecord>, providerResults: readonly ValidationCheck[], circuitState: (providerId: string) => CircuitState): ValidationCheck[] {
  const failing = new Set(providerResults.filter((result) => !result.ok).map((result) => result.target));
  return routes.map((route) => {
    const target = route.builtIn ? "route 'auto' (built-in cascade)" : `route '${route.name}'`;
    const states = route.candidates.map((candidate) => {
      const provider = providers.get(candidate.provider);
      const label = `${candidate.provider}:${candidate.model}`;
      if (provider === undefined) return { label, usable: false, why: 'no such provider' };
      if (!provider.enabled) return { label, usable: false, why: 'disabled' };
      if (failing.has(`provider '${provider.name}'`)) return { label, usable: false, why: 'its provider check fails' };
      if (circuitState(provider.id) === 'open') return { label, usable: false, why: 'circuit open after recent failures' };
      return { label, usable: true, why: '' };
    });
    if (states.some((state) => state.usable)) return { check: 'route.resolves', target, ok: true };
    const found = states.length === 0 ? 'it has no candidates' : states.map((state) => `${state.label} (${state.why})`).join(', ');
    return {
      check: 'route.resolves',
      target,
      ok: false,
      problem: `No enabled, healthy candidate serves '${route.name}': ${found}`,
      fix: route.builtIn
        ? 'Add or enable a provider with a concrete model name (auxot providers add …), or configure the route: auxot routes set auto --candidates <provider:model,…>'
        : `Fix or enable a candidate's provider (see its provider check), or give the route a working candidate: auxot routes set ${route.name} --candidates <provider:model,…>`,
    };
  });
}
