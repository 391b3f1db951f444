import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { decodeRequest } from './decode-request.js';

function rejection(body: unknown): GatewayError {
  try {
    decodeRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

/** The body Codex 0.169 sends (recorded), trimmed to what matters here. */
const CODEX_BODY = {
  model: 'qwen-coder-local',
  stream: true,
  input: [
    { type: 'message', id: 'msg_a1', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent running in the Codex CLI.' }] },
    { type: 'message', id: 'msg_a2', role: 'user', content: [{ type: 'input_text', text: '<environment_context>…</environment_context>' }] },
    { type: 'message', id: 'msg_a3', role: 'user', content: [{ type: 'input_text', text: 'say hi' }] },
  ],
  tools: [
    { type: 'function', name: 'exec_command', description: 'Runs a command in a PTY.', strict: false, parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] } },
    {
      type: 'namespace',
      name: 'multi_agent_v1',
      description: 'Tools for spawning and managing sub-agents.',
      tools: [{ type: 'function', name: 'close_agent', description: 'Close an agent.', strict: false, parameters: { type: 'object', properties: { target: { type: 'string' } } } }],
    },
    { type: 'web_search', external_web_access: false },
  ],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { summary: 'auto' },
  store: false,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: '01a2358b-6943-7a00-beb7-49e9f6587b14',
  client_metadata: { session_id: '01a2358b' },
};

describe('Responses request decoder', () => {
  it("takes Codex's request: developer text as system, namespace functions flattened, web_search dropped and named", () => {
    const request = decodeRequest(CODEX_BODY);
    expect(request.system).toEqual([{ type: 'text', text: 'You are a coding agent running in the Codex CLI.' }]);
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: '<environment_context>…</environment_context>' }, { type: 'text', text: 'say hi' }] }]);
    expect(request.tools.map((tool) => tool.name)).toEqual(['exec_command', 'multi_agent_v1__close_agent']);
    expect(request.tools[1]).toEqual({ name: 'multi_agent_v1__close_agent', description: 'Close an agent.', inputSchema: { type: 'object', properties: { target: { type: 'string' } } } });
    expect(request).toMatchObject({ toolChoice: { type: 'auto' }, parallelToolCalls: true, stream: true, includeUsage: true });
    expect(request.warnings).toEqual(['tools of type "web_search" run only on OpenAI and were dropped', '`prompt_cache_key` is not carried across dialects']);
    expect(request.source.dialect).toBe('openai-responses');
  });

  it('reads a string input as one user turn, and function calls with their namespace', () => {
    expect(decodeRequest({ model: 'm', input: 'hello' }).messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]);
    const request = decodeRequest({ model: 'm', input: [{ type: 'function_call', call_id: 'c1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{}' }] });
    expect(request.messages).toEqual([{ role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'multi_agent_v1__close_agent', argumentsJson: '{}' }] }]);
  });

  it('drops hosted-tool items from the history and names them', () => {
    const request = decodeRequest({ model: 'm', input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }, { role: 'user', content: 'next' }] });
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'next' }] }]);
    expect(request.warnings).toEqual(['input items of type "web_search_call" were dropped']);
  });

  it('refuses what it cannot serve with the field named', () => {
    expect(rejection({ model: 'm' })).toMatchObject({ code: 'invalid_request', param: 'input' });
    expect(rejection({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] })).toMatchObject({ param: 'input[0].content[0].image_url' });
    expect(rejection({ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] })).toMatchObject({ param: 'input[0].call_id' });
    expect(rejection({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] })).toMatchObject({ param: 'input[0].type' });
    expect(rejection({ model: 'm', input: 'x', background: true })).toMatchObject({ param: 'background' });
    expect(rejection({ model: 'm', input: 'x', conversation: 'conv_1' })).toMatchObject({ param: 'conversation' });
    expect(rejection({ model: 'm', input: 'x', tools: [{ type: 'function' }] })).toMatchObject({ param: 'tools[0].name' });
    expect(rejection({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio' }] }] })).toMatchObject({ param: 'input[0].content[0].type' });
  });
});
