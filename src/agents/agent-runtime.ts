import type { ChatRequest, Message, ToolCallPart, ToolDefinition, ToolResultPart } from '../canonical/chat-request.js';
import type { ChatResult } from '../canonical/chat-result.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { JsonObject } from '../canonical/json.js';
import { addUsage, emptyUsage, type Usage } from '../canonical/usage.js';
import type { Principal } from '../governance/principal.js';
import { ADMIN_AGENT_NAME, mayCall } from '../management/agents/agent-service.js';
import type { Logger } from '../platform/logger.js';
import type { AgentStore } from '../store/agent-repositories.js';
import type { AgentRecord, AgentRunRecord, AgentStepRecord } from '../store/agent-records.js';
import { callModel, type ModelCallDependencies } from './model-call.js';
import { composeSystemPrompt } from './system-prompt.js';
import { runTool, TOOL_RESULT_CAP } from './tool-call.js';
import type { AgentTool, AgentToolScope, ToolSource } from './tool-source.js';

export const AGENT_MODEL_PREFIX = 'agent:';

export interface AgentRuntimeDependencies extends ModelCallDependencies {
  agents: AgentStore;
  toolSources: readonly ToolSource[];
  newId(prefix: string): string;
  logger: Logger;
}

/** One run: who asks, what they sent (its model names the agent), and where steps go as they happen. */
export interface AgentRunInput {
  principal: Principal;
  /** The caller's request; its messages, system text, tools and limits carry into every step. */
  request: ChatRequest;
  /** `openai-chat`, `anthropic-messages`, `openai-responses` or `runs`. */
  surface: string;
  signal: AbortSignal;
  /** Called as each step ends (a streaming caller sees it at once). */
  onStep?: (step: AgentStepRecord) => void | Promise<void>;
  callbackUrl?: string;
  /** The run's id when the caller needs it before the run starts (asynchronous runs). */
  runId?: string;
}

export interface AgentRunOutcome {
  run: AgentRunRecord;
  /** The answer the caller gets: the final text, or the caller's own tool calls that ended the turn. */
  result: ChatResult;
}

/** An agent resolved for one caller: what a run needs before its first step. */
export interface PreparedRun {
  agent: AgentRecord;
  scope: AgentToolScope;
  systemPrompt: string;
  tools: Map<string, { tool: AgentTool; source: ToolSource }>;
}

/**
 * Runs agents: builds the system prompt, merges the agent's tools with the caller's, and loops
 * model call → tool calls → results until the model answers, a caller tool is called, the step
 * limit is reached or the caller hangs up. Every model call goes through the gateway under the
 * caller's principal; the run and every step are recorded under the caller's identity.
 */
export class AgentRuntime {
  constructor(private readonly dependencies: AgentRuntimeDependencies) {}

  /** The agent a model name refers to (`agent:<name>`), or undefined for ordinary models. */
  static agentName(model: string): string | undefined {
    return model.startsWith(AGENT_MODEL_PREFIX) ? model.slice(AGENT_MODEL_PREFIX.length) : undefined;
  }

  /**
   * Resolves the agent for this caller: 404 when unknown, 403 when the caller's team may not use it.
   * `turnTools` are tool sources for this run only (the Admin Agent's, which stage a plan per turn);
   * the Admin Agent runs only with them, so it cannot be reached as an ordinary agent.
   */
  async prepare(name: string, principal: Principal, callerTools: readonly ToolDefinition[], signal: AbortSignal, turnTools?: readonly ToolSource[]): Promise<PreparedRun> {
    const store = this.dependencies.agents;
    const agent = await store.agents.findByName(principal.orgId, name);
    if (agent === undefined) throw new GatewayError('not_found', `No agent '${name}'`, { param: 'model' });
    if (agent.name === ADMIN_AGENT_NAME && agent.teamId === null && turnTools === undefined) {
      throw new GatewayError('forbidden', 'The Admin Agent is reached through `auxot admin` or /api/admin/agent/conversations, where its changes are planned and confirmed', { param: 'model' });
    }
    if (!mayCall(principal, agent)) {
      throw new GatewayError('forbidden', `The agent '${name}' belongs to another team: only keys acting for its team may call it`, { param: 'model' });
    }
    const [skills, contextFiles] = await Promise.all([store.skills.findByIds(agent.skillIds), store.contextFiles.findByIds(agent.contextFileIds)]);
    const scope: AgentToolScope = { id: agent.id, name: agent.name, orgId: agent.orgId, teamId: agent.teamId ?? undefined, mcp: agent.mcp, skillIds: agent.skillIds };
    const tools = new Map<string, { tool: AgentTool; source: ToolSource }>();
    for (const source of [...(turnTools ?? []), ...this.dependencies.toolSources]) {
      for (const tool of await source.tools(scope, principal, signal)) if (!tools.has(tool.name)) tools.set(tool.name, { tool, source });
    }
    for (const tool of callerTools) {
      if (tools.has(tool.name)) throw new GatewayError('invalid_request', `The tool name '${tool.name}' is one of the agent's own tools; rename yours`, { param: 'tools' });
    }
    const systemPrompt = composeSystemPrompt({ agent, skills, contextFiles, callerTeam: principal.teamName });
    return { agent, scope, systemPrompt, tools };
  }

  async run(prepared: PreparedRun, input: AgentRunInput): Promise<AgentRunOutcome> {
    const { agents, clock, newId } = this.dependencies;
    const { agent } = prepared;
    const { principal, request, signal } = input;
    const run: AgentRunRecord = {
      id: input.runId ?? newId('run_'),
      orgId: principal.orgId,
      agentId: agent.id,
      agentName: agent.name,
      keyId: principal.keyId,
      userId: principal.identity.kind === 'user' ? principal.identity.id : null,
      teamId: principal.teamId ?? null,
      surface: input.surface,
      status: 'running',
      output: '',
      steps: [],
      error: null,
      callbackUrl: input.callbackUrl ?? null,
      startedAt: clock.now(),
      endedAt: null,
    };
    await agents.runs.insert(run);
    const callerTools = new Set(request.tools.map((tool) => tool.name));
    const tools: ToolDefinition[] = [...[...prepared.tools.values()].map(({ tool }) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema as JsonObject })), ...request.tools];
    const turns: Message[] = [...request.messages];
    let usage: Usage = { ...emptyUsage };
    const record = async (step: AgentStepRecord): Promise<void> => {
      run.steps.push(step);
      await input.onStep?.(step);
    };
    try {
      for (let step = 1; step <= agent.maxSteps; step++) {
        const startedAt = clock.monotonic();
        const requestId = newId('req_');
        const stepRequest: ChatRequest = {
          ...request,
          model: agent.model,
          system: [{ type: 'text', text: prepared.systemPrompt }, ...request.system],
          messages: turns,
          tools,
          stream: false,
          includeUsage: false,
        };
        // The caller's tool choice applies to its own tools; the agent decides when it is done.
        delete stepRequest.toolChoice;
        const result = await callModel(this.dependencies, { request: stepRequest, principal, agentId: agent.id, requestId, signal });
        usage = addUsage(usage, result.usage);
        const calls = result.content.filter((part): part is ToolCallPart => part.type === 'tool-call');
        await record({
          kind: 'model',
          step,
          requestId,
          durationMs: clock.monotonic() - startedAt,
          finish: result.finishReason.raw ?? result.finishReason.unified,
          text: textOf(result),
          toolCalls: calls.map((call) => ({ id: call.callId, name: call.name, argumentsBytes: Buffer.byteLength(call.argumentsJson) })),
        });
        if (calls.length === 0) return await this.finish(run, 'completed', { ...result, model: request.model, usage });
        const forCaller = calls.filter((call) => callerTools.has(call.name));
        if (forCaller.length > 0) {
          // The caller's tools are the caller's to run: the turn ends with them, as an ordinary tool call.
          for (const call of calls.filter((entry) => !callerTools.has(entry.name))) {
            await record(notRun(step, call, 'caller', 'not run: the turn ended with a call to one of the caller’s tools'));
          }
          for (const call of forCaller) await record(notRun(step, call, 'caller', 'returned to the caller'));
          const content = [...result.content.filter((part) => part.type !== 'tool-call'), ...forCaller];
          return await this.finish(run, 'completed', { ...result, model: request.model, content, usage });
        }
        const results: ToolResultPart[] = [];
        const outcomes = await Promise.all(calls.map((call) => runTool(prepared, call, { principal, signal, clock, step })));
        for (const { part, step: toolStep } of outcomes) {
          results.push(part);
          await record(toolStep);
        }
        if (signal.aborted) return await this.finish(run, 'cancelled', stopped(request, usage, 'The caller went away.', newId('agentmsg_')));
        turns.push({ role: 'assistant', content: result.content }, { role: 'user', content: results });
      }
      const message = `The agent '${agent.name}' stopped at its limit of ${agent.maxSteps} steps before it finished.`;
      return await this.finish(run, 'step_limit', stopped(request, usage, message, newId('agentmsg_')));
    } catch (error) {
      run.status = signal.aborted ? 'cancelled' : 'failed';
      run.error = error instanceof Error ? error.message : String(error);
      run.endedAt = clock.now();
      await agents.runs.update(run).catch((failure: unknown) => this.dependencies.logger.error('recording an agent run failed', { runId: run.id, error: String(failure) }));
      throw error;
    }
  }

  private async finish(run: AgentRunRecord, status: AgentRunRecord['status'], result: ChatResult): Promise<AgentRunOutcome> {
    run.status = status;
    run.output = textOf(result).slice(0, TOOL_RESULT_CAP);
    run.endedAt = this.dependencies.clock.now();
    await this.dependencies.agents.runs.update(run);
    return { run, result };
  }
}

function textOf(result: ChatResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function notRun(step: number, call: ToolCallPart, outcome: 'caller', result: string): AgentStepRecord {
  return { kind: 'tool', step, callId: call.callId, tool: call.name, source: 'caller', argumentsBytes: Buffer.byteLength(call.argumentsJson), durationMs: 0, outcome, resultBytes: 0, result };
}

/** A final answer the runtime writes itself (step limit, hang-up). */
function stopped(request: ChatRequest, usage: Usage, text: string, id: string): ChatResult {
  return { id, model: request.model, content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'agent_stopped' }, usage };
}
