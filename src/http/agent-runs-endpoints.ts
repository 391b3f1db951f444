import { z } from 'zod';
import type { AgentRunInput, AgentRunOutcome, AgentRuntime, PreparedRun } from '../agents/agent-runtime.js';
import type { DetachedRuns } from '../agents/detached-runs.js';
import { deliverCallback } from '../agents/run-callback.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Dialect } from '../dialects/dialect.js';
import { isOrgAdmin } from '../governance/permissions.js';
import type { Principal } from '../governance/principal.js';
import { checkOutboundUrl, OutboundAddressError, type OutboundAllowList } from '../platform/outbound-address.js';
import type { AgentStore } from '../store/agent-repositories.js';
import type { AgentRunRecord } from '../store/agent-records.js';
import { callerKey } from './caller-key.js';
import { parseJsonBody, readBody } from './read-body.js';
import type { RouteHandler } from './router.js';
import { sendDialectError, sendJson } from './send.js';
import { runSummary } from './surfaces/agent-answer.js';
import type { SurfaceContext } from './surfaces/surface-context.js';

/** `POST /api/agents/<name>/runs`: a run without a chat surface around it. */
export const runInput = z
  .object({
    input: z.string().min(1).optional().describe('the task, as one user message'),
    messages: z.array(z.record(z.string(), z.unknown())).min(1).optional().describe('or the conversation so far, as OpenAI chat messages'),
    async: z.boolean().default(false).describe('answer 202 with the run id at once; poll GET /api/agents/runs/<id>'),
    callback_url: z.url().optional().describe('called with the finished run (POST, JSON); must not resolve to an internal address unless allow-listed'),
  })
  .strict()
  .refine((body) => (body.input === undefined) !== (body.messages === undefined), { error: 'send either input or messages' });

export interface AgentRunsDependencies {
  surfaces: SurfaceContext;
  /** Runs are described and their errors written in the OpenAI shape. */
  dialect: Dialect;
  agents: AgentStore;
  /** Internal addresses an admin allowed for callbacks (the organization's outbound allow list). */
  outboundAllowList(): Promise<OutboundAllowList>;
  /** Where asynchronous runs go on, so the server's shutdown can cancel them. */
  detached: DetachedRuns;
}

/**
 * The runs API: synchronous runs answer with the whole run; asynchronous ones answer 202 and go on
 * without the connection (the caller polls, or names a callback URL, checked against the
 * outbound-address rules before the run starts and pinned to the checked address when called).
 */
export function agentRunsEndpoints(dependencies: AgentRunsDependencies): { create: RouteHandler; get: RouteHandler } {
  const { surfaces, dialect } = dependencies;
  const runtime: AgentRuntime = surfaces.agents;
  const create: RouteHandler = async (request, response, params) => {
    const requestId = surfaces.newId('req_');
    try {
      const principal = await surfaces.authenticator.authenticate(callerKey(request.headers));
      const parsed = runInput.safeParse(parseJsonBody(await readBody(request, surfaces.maxBodyBytes)));
      if (!parsed.success) throw new GatewayError('invalid_request', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
      const body = parsed.data;
      const name = params.agent ?? '';
      const chatRequest = dialect.decodeRequest({ model: `agent:${name}`, messages: body.messages ?? [{ role: 'user', content: body.input }] });
      if (body.callback_url !== undefined) await checkCallback(body.callback_url, await dependencies.outboundAllowList());
      const prepared = await runtime.prepare(name, principal, chatRequest.tools, new AbortController().signal);
      const runId = surfaces.newId('run_');
      const input = { principal, request: chatRequest, surface: 'runs', runId, ...(body.callback_url === undefined ? {} : { callbackUrl: body.callback_url }) };
      if (!body.async) {
        const hangUp = new AbortController();
        response.once('close', () => {
          if (!response.writableFinished) hangUp.abort();
        });
        const outcome = await runtime.run(prepared, { ...input, signal: hangUp.signal });
        sendJson(response, 200, runView(outcome.run, outcome));
        void callBack(dependencies, outcome.run, surfaces);
        return;
      }
      // Detached from the connection: the run goes on after the 202 and ends in its record; the
      // server's shutdown cancels it (recorded `cancelled`) and waits for it and its callback.
      dependencies.detached.start((signal) => runDetached(dependencies, runtime, prepared, { ...input, signal }));
      sendJson(response, 202, { id: runId, agent: name, status: 'running' }, { location: `/api/agents/runs/${runId}` });
    } catch (error) {
      sendDialectError(response, dialect, toGatewayError(error), requestId);
    }
  };
  const get: RouteHandler = async (request, response, params) => {
    try {
      const principal = await surfaces.authenticator.authenticate(callerKey(request.headers));
      const run = await dependencies.agents.runs.findById(params.id ?? '');
      if (run === undefined || !maySee(principal, run)) throw new GatewayError('not_found', `No agent run '${params.id ?? ''}'`);
      sendJson(response, 200, runView(run));
    } catch (error) {
      sendDialectError(response, dialect, toGatewayError(error));
    }
  };
  return { create, get };
}

/** What the runs API answers: the run with its steps, output and how it ended. */
function runView(run: AgentRunRecord, outcome?: AgentRunOutcome): Record<string, unknown> {
  return {
    ...runSummary(run),
    output: run.output,
    error: run.error,
    started_at: new Date(run.startedAt).toISOString(),
    ended_at: run.endedAt === null ? null : new Date(run.endedAt).toISOString(),
    ...(outcome === undefined ? {} : { usage: { input_tokens: outcome.result.usage.inputTokens, output_tokens: outcome.result.usage.outputTokens } }),
  };
}

/** The caller's own runs; team admins their team's; owners and admins all of the organization's. */
function maySee(principal: Principal, run: AgentRunRecord): boolean {
  if (run.orgId !== principal.orgId) return false;
  if (isOrgAdmin(principal) || run.keyId === principal.keyId) return true;
  if (run.userId !== null && principal.identity.kind === 'user' && run.userId === principal.identity.id) return true;
  return run.teamId !== null && principal.teamAdminOf.has(run.teamId);
}

/** An asynchronous run to its end, then its callback; failures are logged, never thrown. */
async function runDetached(dependencies: AgentRunsDependencies, runtime: AgentRuntime, prepared: PreparedRun, input: AgentRunInput & { runId: string }): Promise<void> {
  const { surfaces } = dependencies;
  try {
    let run: AgentRunRecord | undefined;
    try {
      run = (await runtime.run(prepared, input)).run;
    } catch (error) {
      surfaces.logger.warn('asynchronous agent run failed', { runId: input.runId, error: error instanceof Error ? error.message : String(error) });
      run = await dependencies.agents.runs.findById(input.runId);
    }
    if (run !== undefined) await callBack(dependencies, run, surfaces);
  } catch (error) {
    surfaces.logger.error('finishing an asynchronous agent run failed', { runId: input.runId, error: error instanceof Error ? error.message : String(error) });
  }
}

async function checkCallback(url: string, allow: OutboundAllowList): Promise<void> {
  try {
    await checkOutboundUrl(url, allow);
  } catch (error) {
    if (error instanceof OutboundAddressError) throw new GatewayError('invalid_request', `callback_url refused: ${error.message}`, { param: 'callback_url' });
    throw error;
  }
}

async function callBack(dependencies: AgentRunsDependencies, run: AgentRunRecord, surfaces: SurfaceContext): Promise<void> {
  if (run.callbackUrl === null) return;
  const delivered = await deliverCallback(run.callbackUrl, runView(run), await dependencies.outboundAllowList());
  if (delivered !== undefined) surfaces.logger.warn('agent run callback not delivered', { runId: run.id, reason: delivered });
}

function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'The run could not be started', { cause: error });
}
