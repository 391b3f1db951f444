import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequests, startHttpTapBridge } from './http-tap-bridge.js';

interface WireRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  chunked: boolean;
}

function serialize(wire: WireRequest, chunkSize: number): Buffer {
  const framing = wire.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(wire.body.length) };
  const head = Object.entries({ ...wire.headers, ...framing }).map(([name, value]) => `${name}: ${value}\r\n`);
  const parts: Buffer[] = [Buffer.from(`${wire.method} ${wire.target} HTTP/1.1\r\n${head.join('')}\r\n`, 'latin1')];
  if (!wire.chunked) return Buffer.concat([...parts, wire.body]);
  for (let offset = 0; offset < wire.body.length; offset += chunkSize) {
    const chunk = wire.body.subarray(offset, offset + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
}

const wireRequest = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST'),
  target: fc.stringMatching(/^\/[a-z0-9/?=&_-]{0,30}$/),
  headers: fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), fc.stringMatching(/^[ -~]{0,20}$/).map((value) => value.trim())),
  // Bodies may contain CR LF and things that look like request lines: framing, not scanning, finds the end.
  body: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(new TextEncoder().encode('x\r\n\r\nPOST / HTTP/1.1\r\n\r\n'))).map((bytes) => Buffer.from(bytes)),
  chunked: fc.boolean(),
});

describe('parseRequests', () => {
  it('reads back every request of a keep-alive stream, whatever the bodies hold', () => {
    fc.assert(
      fc.property(fc.array(wireRequest, { maxLength: 5 }), fc.integer({ min: 1, max: 64 }), (requests, chunkSize) => {
        const bytes = Buffer.concat(requests.map((wire) => serialize(wire, chunkSize)));
        const parsed = parseRequests(bytes, 3);
        expect(parsed.map(({ method, target, body, connection }) => ({ method, target, body, connection }))).toEqual(
          requests.map(({ method, target, body }) => ({ method, target, body, connection: 3 })),
        );
        parsed.forEach((entry, index) => expect(entry.headers).toMatchObject(requests[index]!.headers));
      }),
    );
  });

  it('stops before a request whose body has not fully arrived', () => {
    const complete = serialize({ method: 'HEAD', target: '/a', headers: {}, body: Buffer.alloc(0), chunked: false }, 1);
    const partial = serialize({ method: 'POST', target: '/b', headers: {}, body: Buffer.from('{"x":1}'), chunked: false }, 1);
    expect(parseRequests(Buffer.concat([complete, partial.subarray(0, -2)]), 0).map((entry) => entry.target)).toEqual(['/a']);
  });
});

describe('startHttpTapBridge', () => {
  it('relays requests and answers both ways and records what the client sent', async () => {
    const target = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const bridge = await startHttpTapBridge({ port: 0, host: '127.0.0.1' }, (target.address() as AddressInfo).port);
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const outgoing = request({ host: '127.0.0.1', port: bridge.port(), method: 'POST', path: '/v1/messages?beta=true', headers: { 'x-api-key': 'k' } });
        outgoing.on('response', (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (piece: string) => (text += piece));
          response.on('end', () => resolve(`${response.statusCode} ${text}`));
        });
        outgoing.on('error', reject);
        outgoing.end('{"model":"m"}');
      });
      expect(answer).toBe('200 ok');
      const [recorded] = bridge.requests();
      expect(recorded?.method).toBe('POST');
      expect(recorded?.target).toBe('/v1/messages?beta=true');
      expect(recorded?.headers['x-api-key']).toBe('k');
      expect(recorded?.body.toString()).toBe('{"model":"m"}');
    } finally {
      await bridge.close();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });
});
