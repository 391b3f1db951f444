// A minimal, fast upstream for the benchmark: OpenAI Chat Completions and Responses, Anthropic Messages,
// streaming and not, with a fixed answer. Models whose name contains "slow" answer after 20 ms
// (a busy GPU, for the queueing measurement); models whose name contains "long" stream 10,000 small
// text events, written 100 at a time (the relay throughput measurement). Usage: node mock-upstream.mjs <port>.
import { createServer } from 'node:http';

const TEXT_PIECES = ['Hello', ' from', ' the', ' bench', ' upstream', '.'];
const LONG_PIECES = Array.from({ length: 10_000 }, (_, index) => ` t${index % 100}`);
const piecesFor = (model) => (model.includes('long') ? LONG_PIECES : TEXT_PIECES);
const created = Math.floor(Date.now() / 1000);

const openAiWhole = (model) =>
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: TEXT_PIECES.join(''), refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
    system_fingerprint: 'fp_bench',
  });

function openAiStream(model, includeUsage, pieces) {
  const chunk = (delta, finish = null, extra = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces) events.push(chunk({ content: piece }));
  events.push(chunk({}, 'stop'));
  if (includeUsage) events.push(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } })}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}

// Models whose name contains "agent" behave like a model in an agent loop: a tool call first, then
// (once the last message is a tool result) the answer.
const openAiToolCall = (model) =>
  JSON.stringify({
    id: 'chatcmpl-bench-tool',
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_bench', type: 'function', function: { name: 'load_skill', arguments: '{"name":"bench-skill"}' } }] }, logprobs: null, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
  });

const anthropicWhole = (model) =>
  JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: TEXT_PIECES.join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  });

function anthropicStream(model, pieces) {
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    event('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
  ];
  for (const piece of pieces) events.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  events.push(event('content_block_stop', { index: 0 }), event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } }), event('message_stop', {}));
  return events;
}

const responsesUsage = { input_tokens: 12, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 18 };
const responseObject = (model, status, output, usage) => ({ id: 'resp_bench', object: 'response', created_at: created, status, error: null, incomplete_details: null, model, output, usage });
const messageItem = (status, text) => ({ id: 'msg_bench', type: 'message', status, role: 'assistant', content: text === undefined ? [] : [{ type: 'output_text', text, annotations: [] }] });
const responsesWhole = (model) => JSON.stringify(responseObject(model, 'completed', [messageItem('completed', TEXT_PIECES.join(''))], responsesUsage));

function responsesStream(model) {
  let sequence = 0;
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
  const where = { item_id: 'msg_bench', output_index: 0, content_index: 0 };
  const text = TEXT_PIECES.join('');
  const events = [
    event('response.created', { response: responseObject(model, 'in_progress', [], null) }),
    event('response.in_progress', { response: responseObject(model, 'in_progress', [], null) }),
    event('response.output_item.added', { output_index: 0, item: messageItem('in_progress') }),
    event('response.content_part.added', { ...where, part: { type: 'output_text', text: '', annotations: [] } }),
  ];
  for (const piece of TEXT_PIECES) events.push(event('response.output_text.delta', { ...where, delta: piece, logprobs: [] }));
  events.push(
    event('response.output_text.done', { ...where, text, logprobs: [] }),
    event('response.content_part.done', { ...where, part: { type: 'output_text', text, annotations: [] } }),
    event('response.output_item.done', { output_index: 0, item: messageItem('completed', text) }),
    event('response.completed', { response: responseObject(model, 'completed', [messageItem('completed', text)], responsesUsage) }),
  );
  return events;
}

// Built once per shape: building 10,000 events per request would measure the mock, not the proxy.
const streams = new Map();
function streamEvents(dialect, model, includeUsage) {
  const key = `${dialect} ${model} ${includeUsage}`;
  let events = streams.get(key);
  if (events === undefined) {
    const pieces = piecesFor(model);
    events = dialect === 'anthropic' ? anthropicStream(model, pieces) : dialect === 'responses' ? responsesStream(model) : openAiStream(model, includeUsage, pieces);
    streams.set(key, events);
  }
  return events;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const delay = String(body.model ?? '').includes('slow') ? 20 : 0;
    const answer = () => {
      const model = body.model ?? 'bench-model';
      const anthropic = request.url.startsWith('/v1/messages');
      const responses = request.url.startsWith('/v1/responses');
      if (body.stream === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        const events = streamEvents(anthropic ? 'anthropic' : responses ? 'responses' : 'openai', model, body.stream_options?.include_usage === true);
        for (let start = 0; start < events.length; start += 100) {
          const batch = events.slice(start, start + 100).join('');
          if (start + 100 >= events.length) response.end(batch);
          else response.write(batch);
        }
        return;
      }
      const wantsTool = model.includes('agent') && body.messages?.at(-1)?.role !== 'tool';
      const text = anthropic ? anthropicWhole(model) : responses ? responsesWhole(model) : wantsTool ? openAiToolCall(model) : openAiWhole(model);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
