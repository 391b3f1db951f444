/**
 * stream-json lines shaped like the ones Claude Code 2.1.197 wrote in runs against the anthropic
 * mock (field for field, ids and uuids shortened). Builders return the raw JSON text, so tests go
 * through the same parser as production.
 */
const SESSION = '28dbec0c-08df-4e67-98b9-9127e5e6e74a';

export function initLine(): string {
  return JSON.stringify({
    type: 'system',
    subtype: 'init',
    cwd: '/tmp/slot-0/work',
    session_id: SESSION,
    tools: ['Task', 'Bash', 'Edit', 'Read'],
    mcp_servers: [],
    model: 'claude-mock',
    permissionMode: 'default',
    apiKeySource: 'ANTHROPIC_API_KEY',
    claude_code_version: '2.1.197',
    uuid: 'a9cf1d98',
  });
}

export function statusLine(): string {
  return JSON.stringify({ type: 'system', subtype: 'status', status: 'requesting', uuid: '57611073', session_id: SESSION });
}

export function streamEventLine(event: Record<string, unknown>, parentToolUseId: string | null = null): string {
  return JSON.stringify({ type: 'stream_event', event, session_id: SESSION, parent_tool_use_id: parentToolUseId, uuid: 'e607c526' });
}

export interface TurnScript {
  id: string;
  /** Text blocks, each as its delta pieces. */
  texts?: string[][];
  /** A tool_use block after the text blocks, with its JSON input in pieces. */
  toolUse?: { name: string; input: string[] };
  thinking?: string;
  stopReason: string;
  parentToolUseId?: string | null;
}

/** The stream_event lines of one internal turn, plus the `assistant` lines Claude Code interleaves. */
export function turnLines(turn: TurnScript): string[] {
  const parent = turn.parentToolUseId ?? null;
  const event = (data: Record<string, unknown>): string => streamEventLine(data, parent);
  const lines = [
    event({
      type: 'message_start',
      message: {
        id: turn.id,
        type: 'message',
        role: 'assistant',
        model: 'claude-mock',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 18873, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (turn.thinking !== undefined) {
    lines.push(event({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    lines.push(event({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: turn.thinking } }));
    lines.push(event({ type: 'content_block_stop', index }));
    index += 1;
  }
  for (const pieces of turn.texts ?? []) {
    lines.push(event({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    for (const text of pieces) lines.push(event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
    lines.push(assistantLine(turn.id, { type: 'text', text: pieces.join('') }, parent));
    lines.push(event({ type: 'content_block_stop', index }));
    index += 1;
  }
  if (turn.toolUse !== undefined) {
    const { name, input } = turn.toolUse;
    lines.push(event({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: 'toolu_1', name, input: {} } }));
    for (const partial of ['', ...input]) {
      lines.push(event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } }));
    }
    lines.push(event({ type: 'content_block_stop', index }));
  }
  lines.push(event({ type: 'message_delta', delta: { stop_reason: turn.stopReason, stop_sequence: null }, usage: { output_tokens: 5 } }));
  lines.push(event({ type: 'message_stop' }));
  return lines;
}

export function assistantLine(id: string, block: Record<string, unknown>, parent: string | null = null, model = 'claude-mock'): string {
  return JSON.stringify({
    type: 'assistant',
    message: { id, type: 'message', role: 'assistant', model, content: [block], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } },
    parent_tool_use_id: parent,
    session_id: SESSION,
    uuid: '8fcd5759',
  });
}

export function toolResultLine(output: string): string {
  return JSON.stringify({
    type: 'user',
    message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: output, is_error: false }] },
    parent_tool_use_id: null,
    session_id: SESSION,
    tool_use_result: { stdout: output, stderr: '', interrupted: false },
  });
}

export function resultLine(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'result',
    subtype: 'success',
    is_error: false,
    api_error_status: null,
    duration_ms: 277,
    duration_api_ms: 71,
    num_turns: 1,
    result: 'Hello there, caller.',
    stop_reason: 'end_turn',
    session_id: SESSION,
    total_cost_usd: 0.09449,
    usage: {
      input_tokens: 18873,
      cache_creation_input_tokens: 120,
      cache_read_input_tokens: 4000,
      output_tokens: 5,
      server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
      service_tier: 'standard',
    },
    modelUsage: { 'claude-mock': { inputTokens: 18873, outputTokens: 5, costUSD: 0.09449 } },
    permission_denials: [],
    terminal_reason: 'completed',
    uuid: '0adf73ac',
    ...overrides,
  });
}

/** The synthetic assistant message plus result Claude Code writes when the API answered with an error. */
export function apiErrorLines(status: number, message: string, error = 'unknown'): string[] {
  const synthetic = JSON.parse(assistantLine('5d3289e6', { type: 'text', text: message }, null, '<synthetic>')) as Record<string, unknown>;
  return [
    JSON.stringify({ ...synthetic, error }),
    resultLine({ is_error: true, api_error_status: status, result: message, stop_reason: 'stop_sequence', total_cost_usd: 0, usage: { input_tokens: 0, output_tokens: 0 } }),
  ];
}

export function rateLimitLine(info: Record<string, unknown>): string {
  return JSON.stringify({ type: 'rate_limit_event', rate_limit_info: info, uuid: '663a5e27', session_id: SESSION });
}

export function apiRetryLine(status: number | null): string {
  return JSON.stringify({
    type: 'system',
    subtype: 'api_retry',
    attempt: 1,
    max_retries: 10,
    retry_delay_ms: 1000,
    error_status: status,
    error: 'rate_limit',
    session_id: SESSION,
    uuid: '7693ee64',
  });
}
