import type { ChatRequest } from '../../canonical/chat-request.js';
import { resultEvents } from '../../canonical/result-events.js';
import type { AgentRuntime } from '../../agents/agent-runtime.js';
import type { JsonObject } from '../../canonical/json.js';
import type { Dialect } from '../../dialects/dialect.js';
import type { ResponseSink } from '../../gateway/response-sink.js';
import { answerableError } from '../../gateway/unexpected-error.js';
import type { Principal } from '../../governance/principal.js';
import type { Logger } from '../../platform/logger.js';
import type { AgentRunRecord, AgentStepRecord } from '../../store/agent-records.js';

export interface AgentAnswer {
  runtime: AgentRuntime;
  agentName: string;
  dialect: Dialect;
  surface: string;
  request: ChatRequest;
  principal: Principal;
  sink: ResponseSink;
  signal: AbortSignal;
  requestId: string;
  logger: Logger;
  newId(prefix: string): string;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

/**
 * Answers a caller whose model is `agent:<name>` in the caller's own dialect. Before anything is
 * written, an unknown or forbidden agent throws (the surface answers 404 / 403 as for any
 * request). Streaming callers get the answer's opening event, then one step event per model or
 * tool step as it ends, then the final answer; others get the final answer with the run's steps
 * in an extra `auxot_agent_run` field. Step events are written so that the official SDKs' stream
 * helpers still accumulate the answer (docs/agents.md, decision 43).
 */
export async function answerWithAgent(answer: AgentAnswer): Promise<void> {
  const { runtime, dialect, request, principal, sink, signal } = answer;
  const prepared = await runtime.prepare(answer.agentName, principal, request.tools, signal);
  if (!request.stream) {
    const { run, result } = await runtime.run(prepared, { principal, request, surface: answer.surface, signal });
    const body = JSON.stringify({ ...dialect.encodeResult(result, request), auxot_agent_run: runSummary(run) });
    sink.commit(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': answer.requestId, 'x-auxot-agent-run': run.id });
    sink.end(body);
    return;
  }
  sink.commit(200, { ...SSE_HEADERS, 'x-request-id': answer.requestId });
  const encoder = dialect.createStreamEncoder(request);
  const id = answer.newId(dialect.id === 'anthropic-messages' ? 'msg_' : dialect.id === 'openai-responses' ? 'resp_' : 'chatcmpl-');
  const write = async (text: string): Promise<void> => {
    if (text !== '') await sink.write(text);
  };
  // Step events follow the answer's opening event: the SDKs' stream readers expect it first.
  await write(encoder.push({ type: 'response-start', id, model: request.model }));
  try {
    const { result } = await runtime.run(prepared, {
      principal,
      request,
      surface: answer.surface,
      signal,
      // Each dialect writes a step as the out-of-band frame its SDK's stream helpers accumulate past.
      onStep: (step) => write(encoder.extension('agent_step', publicStep(step))),
    });
    for (const event of resultEvents(result)) if (event.type !== 'response-start') await write(encoder.push(event));
    sink.end();
  } catch (thrown) {
    const error = answerableError(thrown, answer.logger, { requestId: answer.requestId });
    sink.end(dialect.encodeStreamError(error));
  }
}

/** What a caller is told about a run: its id, how it ended and its steps. */
export function runSummary(run: AgentRunRecord): JsonObject {
  return { id: run.id, agent: run.agentName, status: run.status, steps: run.steps.map(publicStep) };
}

function publicStep(step: AgentStepRecord): JsonObject {
  if (step.kind === 'model') {
    const toolCalls = step.toolCalls.map(({ id, name, argumentsBytes }) => ({ id, name, argumentsBytes }));
    return { type: 'model', step: step.step, request_id: step.requestId, duration_ms: round(step.durationMs), finish: step.finish, tool_calls: toolCalls };
  }
  return {
    type: 'tool',
    step: step.step,
    call_id: step.callId,
    tool: step.tool,
    source: step.source,
    arguments_bytes: step.argumentsBytes,
    duration_ms: round(step.durationMs),
    outcome: step.outcome,
    result: step.result,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
