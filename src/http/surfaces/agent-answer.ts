import type { ChatRequest } from '../../canonical/chat-request.js';
import { resultEvents } from '../../canonical/result-events.js';
import type { AgentRuntime } from '../../agents/agent-runtime.js';
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
  nowSeconds(): number;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

/**
 * Answers a caller whose model is `agent:<name>` in the caller's own dialect. Before anything is
 * written, an unknown or forbidden agent throws (the surface answers 404 / 403 as for any
 * request). Streaming callers get the answer's opening event, then one step event per model or
 * tool step as it ends, then the final answer; others get the final answer with the run's steps
 * in an extra `auxot_agent_run` field. Both official SDKs ignore what they do not know.
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
      onStep: (step) => write(stepEvent(dialect.id, { id, model: request.model, created: answer.nowSeconds() }, step)),
    });
    for (const event of resultEvents(result)) if (event.type !== 'response-start') await write(encoder.push(event));
    sink.end();
  } catch (thrown) {
    const error = answerableError(thrown, answer.logger, { requestId: answer.requestId });
    sink.end(dialect.encodeStreamError(error));
  }
}

/** What a caller is told about a run: its id, how it ended and its steps. */
export function runSummary(run: AgentRunRecord): Record<string, unknown> {
  return { id: run.id, agent: run.agentName, status: run.status, steps: run.steps.map(publicStep) };
}

function publicStep(step: AgentStepRecord): Record<string, unknown> {
  if (step.kind === 'model') return { type: 'model', step: step.step, request_id: step.requestId, duration_ms: round(step.durationMs), finish: step.finish, tool_calls: step.toolCalls };
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

/** One step in the caller's dialect, as an event its SDK passes through (docs/agents.md). */
function stepEvent(dialect: Dialect['id'], answer: { id: string; model: string; created: number }, step: AgentStepRecord): string {
  const payload = publicStep(step);
  switch (dialect) {
    case 'openai-chat':
      return `data: ${JSON.stringify({ id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model, choices: [], auxot_agent_step: payload })}\n\n`;
    case 'anthropic-messages':
      return `event: agent_step\ndata: ${JSON.stringify({ type: 'agent_step', step: payload })}\n\n`;
    case 'openai-responses':
      return `event: response.agent_step\ndata: ${JSON.stringify({ type: 'response.agent_step', response_id: answer.id, step: payload })}\n\n`;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
