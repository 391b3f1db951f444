import type { ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeResponseSink } from './node-response-sink.js';
import { listenOnLoopback, type LoopbackServer } from './test-support/loopback-server.js';

const SSE = { 'content-type': 'text/event-stream; charset=utf-8' };

let server: LoopbackServer | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.destroy();
  server?.close();
});

/** A real server on loopback whose handler gets each response as a sink. */
async function serve(handle: (sink: NodeResponseSink, response: ServerResponse) => void): Promise<string> {
  server = await listenOnLoopback((_request, response) => handle(new NodeResponseSink(response), response));
  agent = new Agent();
  return server.origin;
}

describe('NodeResponseSink', () => {
  it("hands an event stream's headers and first chunk to the socket at once, before the rest of the tick's writes", async () => {
    let queuedAfterFirst: number | undefined;
    let headersSentAfterFirst: boolean | undefined;
    const origin = await serve((sink, response) => {
      sink.commit(200, SSE);
      void sink.write('data: first\n\n');
      // Node corks a response's writes until the next tick; the first one must not wait for that.
      queuedAfterFirst = response.socket?.writableLength;
      headersSentAfterFirst = response.headersSent;
      void sink.write('data: second\n\n');
      sink.end();
    });
    const answer = await request(origin, { dispatcher: agent });
    expect(await answer.body.text()).toBe('data: first\n\ndata: second\n\n');
    expect(headersSentAfterFirst).toBe(true);
    expect(queuedAfterFirst).toBe(0);
  });

  it("sends an event stream's headers on their own when nothing is written in the same tick", async () => {
    let sink: NodeResponseSink | undefined;
    const origin = await serve((committed) => {
      committed.commit(200, SSE);
      sink = committed;
    });
    // Resolves on the response's headers: the server has written no chunk and has not ended.
    const answer = await request(origin, { dispatcher: agent });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe(SSE['content-type']);
    void sink?.write('data: later\n\n');
    sink?.end();
    expect(await answer.body.text()).toBe('data: later\n\n');
  });
});
