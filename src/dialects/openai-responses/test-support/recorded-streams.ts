/**
 * Responses streams as api.openai.com sends them, recorded in the shape of openai-node's
 * `tests/lib/__snapshots__/ResponseStream.test.ts.snap` (own text, own ids): `event:` lines,
 * `sequence_number`, `obfuscation` padding on deltas, the full Response in the terminal event.
 */
function sse(events: Array<Record<string, unknown>>): string {
  return events.map((event, index) => `event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join('');
}

const base = { id: 'resp_rec1', object: 'response', created_at: 1_760_000_000, model: 'gpt-5-2025-08-07', output: [] as unknown[], usage: null };
const usage = { input_tokens: 52, input_tokens_details: { cached_tokens: 12, cache_write_tokens: 0 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 16 }, total_tokens: 92 };

export const TEXT_WITH_REASONING = sse([
  { type: 'response.created', response: { ...base, status: 'in_progress' } },
  { type: 'response.in_progress', response: { ...base, status: 'in_progress' } },
  { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_rec1', type: 'reasoning', summary: [] } },
  { type: 'response.reasoning_summary_part.added', item_id: 'rs_rec1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } },
  { type: 'response.reasoning_summary_text.delta', item_id: 'rs_rec1', output_index: 0, summary_index: 0, delta: '**Counting** ', obfuscation: 'aB3' },
  { type: 'response.reasoning_summary_text.delta', item_id: 'rs_rec1', output_index: 0, summary_index: 0, delta: 'the letters.', obfuscation: 'x' },
  { type: 'response.reasoning_summary_text.done', item_id: 'rs_rec1', output_index: 0, summary_index: 0, text: '**Counting** the letters.' },
  { type: 'response.reasoning_summary_part.done', item_id: 'rs_rec1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '**Counting** the letters.' } },
  { type: 'response.reasoning_summary_part.added', item_id: 'rs_rec1', output_index: 0, summary_index: 1, part: { type: 'summary_text', text: '' } },
  { type: 'response.reasoning_summary_text.delta', item_id: 'rs_rec1', output_index: 0, summary_index: 1, delta: 'Three.', obfuscation: 'qq' },
  { type: 'response.reasoning_summary_part.done', item_id: 'rs_rec1', output_index: 0, summary_index: 1, part: { type: 'summary_text', text: 'Three.' } },
  { type: 'response.output_item.done', output_index: 0, item: { id: 'rs_rec1', type: 'reasoning', summary: [{ type: 'summary_text', text: '**Counting** the letters.' }, { type: 'summary_text', text: 'Three.' }], encrypted_content: 'gAAAAB-enc' } },
  { type: 'response.output_item.added', output_index: 1, item: { id: 'msg_rec1', type: 'message', status: 'in_progress', content: [], role: 'assistant' } },
  { type: 'response.content_part.added', item_id: 'msg_rec1', output_index: 1, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } },
  { type: 'response.output_text.delta', item_id: 'msg_rec1', output_index: 1, content_index: 0, delta: 'There are ', logprobs: [], obfuscation: 'Zz' },
  { type: 'response.output_text.delta', item_id: 'msg_rec1', output_index: 1, content_index: 0, delta: '3 r’s — ✓', logprobs: [], obfuscation: '' },
  { type: 'response.output_text.done', item_id: 'msg_rec1', output_index: 1, content_index: 0, text: 'There are 3 r’s — ✓', logprobs: [] },
  { type: 'response.content_part.done', item_id: 'msg_rec1', output_index: 1, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: 'There are 3 r’s — ✓' } },
  { type: 'response.output_item.done', output_index: 1, item: { id: 'msg_rec1', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'There are 3 r’s — ✓' }], role: 'assistant' } },
  { type: 'response.completed', response: { ...base, status: 'completed', usage } },
]);

const WEATHER = '{"location":"Paris, France","unit":"celsius"}';
const TIME = '{"tz":"Europe/Paris"}';

/** Two parallel calls; the second sends its arguments only in `.done` (no deltas), as some servers do. */
export const PARALLEL_FUNCTION_CALLS = sse([
  { type: 'response.created', response: { ...base, status: 'in_progress' } },
  { type: 'response.in_progress', response: { ...base, status: 'in_progress' } },
  { type: 'response.output_item.added', output_index: 0, item: { id: 'fc_rec1', type: 'function_call', status: 'in_progress', arguments: '', call_id: 'call_W1', name: 'get_weather' } },
  ...['{"loc', 'ation":"Par', 'is, France","un', 'it":"celsius"}'].map((delta) => ({ type: 'response.function_call_arguments.delta', item_id: 'fc_rec1', output_index: 0, delta, obfuscation: 'o' })),
  { type: 'response.function_call_arguments.done', item_id: 'fc_rec1', output_index: 0, arguments: WEATHER },
  { type: 'response.output_item.done', output_index: 0, item: { id: 'fc_rec1', type: 'function_call', status: 'completed', arguments: WEATHER, call_id: 'call_W1', name: 'get_weather' } },
  { type: 'response.output_item.added', output_index: 1, item: { id: 'fc_rec2', type: 'function_call', status: 'in_progress', arguments: '', call_id: 'call_T2', name: 'get_time', namespace: 'clock' } },
  { type: 'response.function_call_arguments.done', item_id: 'fc_rec2', output_index: 1, arguments: TIME },
  { type: 'response.output_item.done', output_index: 1, item: { id: 'fc_rec2', type: 'function_call', status: 'completed', arguments: TIME, call_id: 'call_T2', name: 'get_time', namespace: 'clock' } },
  { type: 'response.completed', response: { ...base, status: 'completed', usage } },
]);

export const INCOMPLETE_MAX_TOKENS = sse([
  { type: 'response.created', response: { ...base, status: 'in_progress' } },
  { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_rec2', type: 'message', status: 'in_progress', content: [], role: 'assistant' } },
  { type: 'response.content_part.added', item_id: 'msg_rec2', output_index: 0, content_index: 0, part: { type: 'output_text', annotations: [], text: '' } },
  { type: 'response.output_text.delta', item_id: 'msg_rec2', output_index: 0, content_index: 0, delta: 'Once upon a' },
  { type: 'response.output_item.done', output_index: 0, item: { id: 'msg_rec2', type: 'message', status: 'incomplete', content: [{ type: 'output_text', annotations: [], text: 'Once upon a' }], role: 'assistant' } },
  { type: 'response.incomplete', response: { ...base, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { ...usage, output_tokens: 3 } } },
]);

export const FAILED = sse([
  { type: 'response.created', response: { ...base, status: 'in_progress' } },
  { type: 'response.in_progress', response: { ...base, status: 'in_progress' } },
  { type: 'response.failed', response: { ...base, status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-5.' } } },
]);

export const ERROR_EVENT = sse([
  { type: 'response.created', response: { ...base, status: 'in_progress' } },
  { type: 'error', code: 'server_error', message: 'The server had an error while processing your request.', param: null },
]);
