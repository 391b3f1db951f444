import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiChatDialect } from '../../dialects/openai-chat/index.js';
import { newId } from '../../platform/ids.js';
import type { StreamChunk } from '../provider.js';
import { sseChunks } from './sse-chunks.js';

const dialect = createOpenAiChatDialect({ nowSeconds: () => 1, newId });
const frame = (content: string): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

let server: Server | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.destroy();
  server?.closeAllConnections();
  server?.close();
});

/** A real upstream on loopback; `answer` writes each response. */
async function upstream(answer: (response: ServerResponse) => void): Promise<{ origin: string }> {
  server = createServer((_request, response) => answer(response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  agent = new Agent();
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function read(origin: string): Promise<{ chunks: StreamChunk[]; body: Readable }> {
  const response = await (agent as Agent).request({ origin, path: '/', method: 'GET' });
  const chunks: StreamChunk[] = [];
  for await (const chunk of sseChunks(response.body, { providerName: 'p', decoder: dialect.createStreamDecoder(), keepRaw: true, stripUsageOnly: false }))
    chunks.push(chunk);
  return { chunks, body: response.body };
}

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
