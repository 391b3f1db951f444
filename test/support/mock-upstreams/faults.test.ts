import { afterEach, describe, expect, test } from 'vitest';
import { startMockUpstream, type MockDialect, type MockUpstream } from './index.js';
import { postJson, readUntilEndOrError, settlesWithin, sseBlocks, sseData } from './test-http.js';

const TURN = { text: 'one two three four five six', fragmentChars: 4 };

function chatUrl(mock: MockUpstream): string {
  return mock.dialect === 'openai' ? `${mock.baseUrl}/chat/completions` : `${mock.baseUrl}/v1/messages`;
}

function chatBody(dialect: MockDialect, stream: boolean): Record<string, unknown> {
  const messages = [{ role: 'user', content: 'hi' }];
  return dialect === 'openai'
    ? { model: 'gpt-test', messages, stream }
    : { model: 'claude-test', max_tokens: 64, messages, stream };
}

function isTerminal(dialect: MockDialect, block: string): boolean {
  return dialect === 'openai' ? block === 'data: [DONE]' : block.startsWith('event: message_stop');
}

let mock: MockUpstream | undefined;

afterEach(async () => {
  mock?.releaseHanging();
  await mock?.close();
  mock = undefined;
});

describe.each(['openai', 'anthropic'] as const)('%s mock faults', (dialect) => {
  async function start(): Promise<MockUpstream> {
    mock = await startMockUpstream({ dialect });
    return mock;
  }

  test('reset-before-headers: the client sees a connection error and nothing is recorded as aborted', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'reset-before-headers' });
    const error: unknown = await postJson(chatUrl(upstream), chatBody(dialect, true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    const [request] = upstream.requests;
    expect(request?.abortedAt).toBeUndefined();
    expect(request?.completedAt).toBeUndefined();
  });

  test('hang-before-headers: the request stays pending until released, then fails', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'hang-before-headers' });
    const pending = postJson(chatUrl(upstream), chatBody(dialect, true));
    await upstream.waitForRequests(1);
    expect(await settlesWithin(pending, 150)).toBe('pending');
    upstream.releaseHanging();
    await expect(pending).rejects.toThrow(TypeError);
    expect(upstream.requests[0]?.abortedAt).toBeUndefined();
  });

  test('reset-after-events: a 200 with exactly k events, then a read error', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'reset-after-events', turn: TURN, events: 3 });
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true));
    expect(response.status).toBe(200);
    const { text, error } = await readUntilEndOrError(response);
    expect(error).toBeDefined();
    expect(sseBlocks(text)).toHaveLength(3);
    expect(upstream.requests[0]?.completedAt).toBeUndefined();
  });

  test('hang-after-events: k events, then silence until released', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'hang-after-events', turn: TURN, events: 2 });
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true));
    const reading = readUntilEndOrError(response);
    expect(await settlesWithin(reading, 150)).toBe('pending');
    upstream.releaseHanging();
    const { text, error } = await reading;
    expect(error).toBeDefined();
    expect(sseBlocks(text)).toHaveLength(2);
  });

  test('end-without-terminal: k events and a clean end with no terminal event', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'end-without-terminal', turn: TURN, events: 5 });
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true));
    const { text, error } = await readUntilEndOrError(response);
    expect(error).toBeUndefined();
    const blocks = sseBlocks(text);
    expect(blocks).toHaveLength(5);
    expect(blocks.some((block) => isTerminal(dialect, block))).toBe(false);
    expect(upstream.requests[0]?.completedAt).toBeDefined();
  });

  test('a full turn ends with the dialect terminal event', async () => {
    const upstream = await start();
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true));
    const blocks = sseBlocks((await readUntilEndOrError(response)).text);
    expect(isTerminal(dialect, blocks.at(-1) ?? '')).toBe(true);
  });

  test('end-without-terminal on a non-streaming request truncates the JSON body', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'end-without-terminal', events: 1 });
    const response = await postJson(chatUrl(upstream), chatBody(dialect, false));
    const text = await response.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  test('a client abort mid-stream is recorded and waitForAbort resolves with its time', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'turn', turn: { text: 'x'.repeat(200), fragmentChars: 1, delayMs: 20 } });
    const controller = new AbortController();
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true), { signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    const [request] = await upstream.waitForRequests(1);
    if (request === undefined) throw new Error('no request recorded');
    controller.abort();
    const abortedAt = await upstream.waitForAbort(request);
    expect(abortedAt).toBeGreaterThan(request.receivedAt);
    expect(request.abortedAt).toBe(abortedAt);
    expect(request.completedAt).toBeUndefined();
  });

  test('a client abort of a hanging request is recorded', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'hang-before-headers' });
    const controller = new AbortController();
    const pending = postJson(chatUrl(upstream), chatBody(dialect, true), { signal: controller.signal });
    const [request] = await upstream.waitForRequests(1);
    if (request === undefined) throw new Error('no request recorded');
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(await upstream.waitForAbort(request)).toBeGreaterThan(0);
  });

  test('waitForAbort rejects when the request completes normally', async () => {
    const upstream = await start();
    await (await postJson(chatUrl(upstream), chatBody(dialect, true))).text();
    const [request] = upstream.requests;
    if (request === undefined) throw new Error('no request recorded');
    expect(request.completedAt).toBeGreaterThanOrEqual(request.receivedAt);
    await expect(upstream.waitForAbort(request, 50)).rejects.toThrow(/not aborted/);
  });

  test('error-event after k events writes the dialect in-stream error, then ends', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'error-event', afterEvents: 2, errorType: 'api_error', message: 'It broke' });
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true));
    const { text, error } = await readUntilEndOrError(response);
    expect(error).toBeUndefined();
    const blocks = sseBlocks(text);
    expect(blocks).toHaveLength(3);
    const last = JSON.parse(sseData(text).at(-1) ?? '') as unknown;
    if (dialect === 'openai') {
      expect(blocks[2]?.startsWith('data: ')).toBe(true);
      expect(last).toEqual({ error: { message: 'It broke', type: 'api_error', param: null, code: null } });
    } else {
      expect(blocks[2]?.startsWith('event: error\n')).toBe(true);
      expect(last).toEqual({ type: 'error', error: { type: 'api_error', message: 'It broke' } });
    }
  });

  test('raw writes exactly the given status, headers and bytes', async () => {
    const upstream = await start();
    const chunks = ['data: {"partial', Buffer.from([0xe2, 0x82]), Buffer.from([0xac]), '"}\n\n'];
    upstream.enqueue({ kind: 'raw', status: 202, headers: { 'content-type': 'text/plain', 'x-mock': 'yes' }, chunks });
    const response = await postJson(chatUrl(upstream), chatBody(dialect, true));
    expect(response.status).toBe(202);
    expect(response.headers.get('x-mock')).toBe('yes');
    expect(response.headers.get('request-id')).toBeNull();
    expect(await response.text()).toBe('data: {"partial€"}\n\n');
  });

  test('the queue answers first, then the handler, then the default turn', async () => {
    const upstream = await start();
    upstream.enqueue({ kind: 'status', status: 500 });
    upstream.setHandler((request) => {
      const messages = (request.body as { messages: unknown[] }).messages;
      return messages.length > 1 ? { kind: 'turn', turn: { text: 'second' } } : { kind: 'status', status: 503 };
    });
    const first = await postJson(chatUrl(upstream), chatBody(dialect, false));
    const second = await postJson(chatUrl(upstream), chatBody(dialect, false));
    const history = [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }];
    const longer = { ...chatBody(dialect, false), messages: history };
    const third = await postJson(chatUrl(upstream), longer);
    expect([first.status, second.status, third.status]).toEqual([500, 503, 200]);
    expect(JSON.stringify(await third.json())).toContain('"second"');
  });

  test('unknown paths answer 404 in the dialect error shape and are only in allRequests', async () => {
    const upstream = await start();
    const response = await postJson(`${upstream.baseUrl}/nowhere`, {});
    expect(response.status).toBe(404);
    const body = (await response.json()) as Record<string, unknown>;
    if (dialect === 'openai') {
      expect(body).toEqual({
        error: { message: 'Invalid URL (POST /v1/nowhere)', type: 'invalid_request_error', param: null, code: null },
      });
    } else {
      expect(body).toEqual({
        type: 'error',
        error: { type: 'not_found_error', message: 'Not found: POST /nowhere' },
        request_id: 'req_mock1',
      });
    }
    expect(upstream.requests).toHaveLength(0);
    expect(upstream.allRequests).toHaveLength(1);
  });

  test('waitForRequests resolves on arrival and rejects on timeout', async () => {
    const upstream = await start();
    const waiting = upstream.waitForRequests(2, 2000);
    await postJson(chatUrl(upstream), chatBody(dialect, false));
    await postJson(chatUrl(upstream), chatBody(dialect, false));
    const requests = await waiting;
    expect(requests.map((request) => request.method)).toEqual(['POST', 'POST']);
    expect(requests[0]?.rawBody.toString()).toBe(JSON.stringify(chatBody(dialect, false)));
    await expect(upstream.waitForRequests(3, 30)).rejects.toThrow(/expected 3 chat request\(s\).*got 2/);
  });
});
