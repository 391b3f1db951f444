/** A non-streaming Messages answer with every block type Auxot reads, plus server-tool blocks it skips. */
export const DOCUMENTED_MESSAGE = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'thinking', thinking: 'Plan.', signature: 'sig-1' },
    { type: 'redacted_thinking', data: 'EmwK' },
    { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
    { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
    { type: 'text', text: 'Calling.', citations: null },
    { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' }, caller: { type: 'direct' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 10,
    output_tokens: 20,
    cache_creation_input_tokens: 3,
    cache_read_input_tokens: null,
    output_tokens_details: { thinking_tokens: 5 },
    service_tier: 'standard',
  },
};
