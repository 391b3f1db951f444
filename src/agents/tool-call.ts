import type { ToolCallPart, ToolResultPart } from '../canonical/chat-request.js';
import type { Principal } from '../governance/principal.js';
import type { Clock } from '../platform/clock.js';
import type { AgentStepRecord } from '../store/agent-records.js';
import type { PreparedRun } from './agent-runtime.js';

/** The most characters of one tool result the model is given (and the run record keeps). */
export const TOOL_RESULT_CAP = 64 * 1024;

export interface ToolRunContext {
  principal: Principal;
  /** The run's signal: the caller hanging up cancels the tool call too. */
  signal: AbortSignal;
  clock: Clock;
  step: number;
}

type Outcome = Extract<AgentStepRecord, { kind: 'tool' }>['outcome'];

/**
 * Runs one of the agent's tool calls with the agent's timeout. Whatever happens — bad arguments,
 * an unknown tool, a source that throws, a timeout — the model gets a tool result that says so;
 * only the caller hanging up ends the run.
 */
export async function runTool(prepared: PreparedRun, call: ToolCallPart, context: ToolRunContext): Promise<{ part: ToolResultPart; step: AgentStepRecord }> {
  const { clock } = context;
  const startedAt = clock.monotonic();
  const entry = prepared.tools.get(call.name);
  const timeoutMs = prepared.agent.toolTimeoutMs;
  let outcome: Outcome;
  let content: string;
  const args = parseArguments(call.argumentsJson);
  if (entry === undefined) {
    outcome = 'error';
    content = `There is no tool named '${call.name}'.`;
  } else if (typeof args === 'string') {
    outcome = 'error';
    content = args;
  } else {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout.signal]);
    try {
      const result = await Promise.race([
        entry.source.call(call.name, args, { principal: context.principal, agent: prepared.scope, signal, timeoutMs }),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
      ]);
      outcome = result.isError ? 'error' : 'ok';
      content = result.content;
    } catch (error) {
      if (context.signal.aborted) {
        outcome = 'cancelled';
        content = 'The run was cancelled.';
      } else if (timeout.signal.aborted) {
        outcome = 'timeout';
        content = `The tool '${call.name}' did not answer within ${timeoutMs} ms.`;
      } else {
        outcome = 'error';
        content = `The tool '${call.name}' failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    } finally {
      clearTimeout(timer);
    }
  }
  const capped = content.length > TOOL_RESULT_CAP ? `${content.slice(0, TOOL_RESULT_CAP)}\n[truncated: the result had ${content.length} characters]` : content;
  return {
    part: { type: 'tool-result', callId: call.callId, content: [{ type: 'text', text: capped }], isError: outcome !== 'ok' },
    step: {
      kind: 'tool',
      step: context.step,
      callId: call.callId,
      tool: call.name,
      source: entry?.source.id ?? 'none',
      argumentsBytes: Buffer.byteLength(call.argumentsJson),
      durationMs: clock.monotonic() - startedAt,
      outcome,
      resultBytes: Buffer.byteLength(content),
      result: capped,
    },
  };
}

/** The call's arguments as an object, or why they are not one (told to the model). */
function parseArguments(json: string): Record<string, unknown> | string {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return 'The tool arguments must be a JSON object.';
  } catch {
    return 'The tool arguments are not valid JSON.';
  }
}
