import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiChatDialect } from '../../dialects/openai-chat/index.js';
import { listenOnLoopback, type LoopbackServer } from '../../http/test-support/loopback-server.js';
import { newId } from '../../platform/ids.js';
import type { StreamChunk } from '../provider.js';
import { sseChunks } from './sse-chunks.js';

const dialect = createOpenAiChatDialect({ nowSeconds: () => 1, newId });
const frame = (content: string): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

let server: LoopbackServer | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.destroy();
  server?.close();
});

/** A real upstream on loopback; `answer` writes each response. */
async function upstream(answer: (response: ServerResponse) => void): Promise<{ origin: string }> {
  server = await listenOnLoopback((_request, response) => answer(response));
  agent = new Agent();
  return { origin: server.origin };
}

async function read(origin: string, firstAnswerAlone = false): Promise<{ chunks: StreamChunk[]; body: Readable }> {
  const response = await (agent as Agent).request({ origin, path: '/', method: 'GET' });
  const chunks: StreamChunk[] = [];
  const options = { providerName: 'p', decoder: dialect.createStreamDecoder(), keepRaw: true, stripUsageOnly: false, firstAnswerAlone };
  for await (const chunk of sseChunks(response.body, options)) chunks.push(chunk);
  return { chunks, body: response.body };
}

const opening = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`;

describe('sseChunks', () => {
  it('lets a whole answer reach the end of its body instead of aborting it', async () => {
    const { origin } = await upstream((response) => response.end(`${frame('Hi')}data: [DONE]\n\n`));
    const { chunks, body } = await read(origin);
    expect(chunks.flatMap((chunk) => chunk.events).some((event) => event.type === 'text-delta' && event.text === 'Hi')).toBe(true);
    const errors: unknown[] = [];
    body.on('error', (error) => errors.push(error));
    if (!body.readableEnded) await once(body, 'end');
    expect(body.readableEnded).toBe(true);
    expect(errors).toEqual([]);
  });

  it('cuts off a body still open after its terminal event, without an unhandled error', async () => {
    const { origin } = await upstream((response) => {
      response.write(`${frame('Hi')}data: [DONE]\n\n`);
      setImmediate(() => response.write(frame('after the end')));
    });
    const { chunks, body } = await read(origin);
    expect(chunks.flatMap((chunk) => chunk.events).some((event) => event.type === 'text-delta' && event.text === 'after the end')).toBe(false);
    if (!body.destroyed) await once(body, 'close');
    expect(body.destroyed).toBe(true);
  });

  it('yields the first meaningful event of a read on its own when asked, and every byte once', async () => {
    const whole = `${opening}: a comment\n\n${frame('Hello')}${frame(' there')}data: [DONE]\n\n`;
    const { origin } = await upstream((response) => response.end(whole));
    const { chunks } = await read(origin, true);
    expect(chunks.map((chunk) => String(chunk.raw))).toEqual([`${opening}: a comment\n\n${frame('Hello')}`, `${frame(' there')}data: [DONE]\n\n`]);
    expect(chunks[0]?.events.map((event) => event.type)).toEqual(['response-start', 'text-start', 'text-delta']);
    expect(chunks[1]?.events.some((event) => event.type === 'text-delta' && event.text === ' there')).toBe(true);
  });

  it('splits only the read that holds the first meaningful event', async () => {
    let write: ((text: string) => void) | undefined;
    const { origin } = await upstream((response) => {
      response.write(opening);
      write = (text) => response.end(text);
    });
    const response = await (agent as Agent).request({ origin, path: '/', method: 'GET' });
    const chunks = sseChunks(response.body, {
      providerName: 'p',
      decoder: dialect.createStreamDecoder(),
      keepRaw: true,
      stripUsageOnly: false,
      firstAnswerAlone: true,
    });
    const first = await chunks.next();
    // The opening read has no meaningful event: it is yielded whole, and the next read is split.
    expect(String(first.value?.raw)).toBe(opening);
    write?.(`${frame('a')}${frame('b')}data: [DONE]\n\n`);
    const rest: string[] = [];
    for await (const chunk of chunks) rest.push(String(chunk.raw));
    expect(rest).toEqual([frame('a'), `${frame('b')}data: [DONE]\n\n`]);
  });

  it('yields one chunk per read when not asked to split', async () => {
    const whole = `${opening}${frame('Hello')}${frame(' there')}data: [DONE]\n\n`;
    const { origin } = await upstream((response) => response.end(whole));
    const { chunks } = await read(origin);
    expect(chunks.map((chunk) => String(chunk.raw))).toEqual([whole]);
  });

  it('destroys the body when its reader stops before the end', async () => {
    const { origin } = await upstream((response) => response.write(frame('first')));
    const response = await (agent as Agent).request({ origin, path: '/', method: 'GET' });
    const chunks = sseChunks(response.body, { providerName: 'p', decoder: dialect.createStreamDecoder(), keepRaw: false, stripUsageOnly: false });
    expect((await chunks.next()).done).toBe(false);
    await chunks.return(undefined);
    if (!response.body.destroyed) await once(response.body, 'close');
    expect(response.body.destroyed).toBe(true);
  });
});
