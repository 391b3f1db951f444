import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import { readBody } from './read-body.js';
import { listenOnLoopback, type LoopbackServer } from './test-support/loopback-server.js';

let server: LoopbackServer | undefined;
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.close();
});

interface Served {
  body?: string;
  error?: unknown;
  /** Whether the request had emitted `end` when its answer went out. */
  ended?: boolean;
  /** Whether the request had already emitted `end` when its body was read. */
  endedWhenRead?: boolean;
}

/** A real server whose handler waits a tick (as the chat endpoint waits for authentication), then reads the body. */
async function serve(limit: number, onRead: (served: Served) => void): Promise<number> {
  server = await listenOnLoopback((request, response) => {
    void (async () => {
      await Promise.resolve();
      const served: Served = {};
      try {
        served.body = (await readBody(request, limit)).toString('utf8');
        served.endedWhenRead = request.readableEnded;
      } catch (error) {
        served.error = error;
      }
      if (served.body !== undefined) {
        if (!request.readableEnded) await once(request, 'end');
        served.ended = request.readableEnded;
      }
      onRead(served);
      response.end(served.body === undefined ? 'refused' : `got ${served.body.length}`);
    })();
  });
  return server.port;
}

/** A raw client, so a test decides which bytes go in which packet. */
async function client(port: number): Promise<{ socket: Socket; answers: () => Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  socket.setNoDelay(true);
  let received = '';
  socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
  return {
    socket,
    answers: async () => {
      await once(socket, 'data');
      return received;
    },
  };
}

const post = (body: string, headers = `content-length: ${Buffer.byteLength(body)}\r\n`): string => `POST / HTTP/1.1\r\nhost: x\r\n${headers}\r\n${body}`;

describe('readBody', () => {
  it('takes a body that came with its headers as soon as it is buffered, and the request still ends and its connection serves the next one', async () => {
    const reads: Served[] = [];
    let next: (() => void) | undefined;
    const port = await serve(1024, (served) => {
      reads.push(served);
      next?.();
    });
    const { socket } = await client(port);
    for (const body of ['{"a":1}', '']) {
      const read = new Promise<void>((resolve) => (next = resolve));
      socket.write(post(body));
      await read;
    }
    expect(reads).toEqual([
      { body: '{"a":1}', ended: true, endedWhenRead: false },
      { body: '', ended: true, endedWhenRead: false },
    ]);
  });

  it('waits for a body that comes after its headers, in pieces', async () => {
    let served: Served | undefined;
    const port = await serve(1024, (result) => (served = result));
    const { socket, answers } = await client(port);
    let headersRead: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (headersRead = resolve));
    server?.server.once('request', () => headersRead());
    socket.write(post('', 'content-length: 10\r\n'));
    await reading;
    socket.write('01234');
    socket.write('56789');
    expect(await answers()).toContain('got 10');
    expect(served).toEqual({ body: '0123456789', ended: true, endedWhenRead: true });
  });

  it('refuses a buffered chunked body over the limit', async () => {
    let served: Served | undefined;
    const port = await serve(8, (result) => (served = result));
    const { socket, answers } = await client(port);
    socket.write(post('10\r\n0123456789abcdef\r\n0\r\n\r\n', 'transfer-encoding: chunked\r\n'));
    expect(await answers()).toContain('refused');
    expect(served?.error).toBeInstanceOf(GatewayError);
    expect((served?.error as GatewayError).code).toBe('payload_too_large');
  });
});
