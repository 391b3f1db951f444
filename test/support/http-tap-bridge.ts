import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** One HTTP/1.1 request a client sent through the bridge. */
export interface TappedRequest {
  method: string;
  target: string;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** Which client connection it came on (0-based, in accept order). */
  connection: number;
  /** Empty when the request had none. */
  body: Buffer;
}

export interface HttpTapBridge {
  /** The TCP port it listens on (0 when it listens on a Unix socket). */
  port(): number;
  /** Every request seen so far, in order per connection. */
  requests(): TappedRequest[];
  close(): Promise<void>;
}

export type BridgeListen = { unixPath: string } | { port: number; host: '127.0.0.1' };

/**
 * A byte pipe from `listen` to 127.0.0.1:targetPort that keeps a copy of what clients send, so a test
 * can see the requests a closed-source client (Claude Code) wrote on the wire. Listening
 * on a Unix socket lets a process in another network namespace reach the target: path-bound Unix sockets
 * live in the file system, not in the network namespace (man 7 unix, man 7 network_namespaces).
 */
export async function startHttpTapBridge(listen: BridgeListen, targetPort: number): Promise<HttpTapBridge> {
  const received: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const chunks: Buffer[] = [];
    received.push(chunks);
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    // pipe() passes a clean end on; a reset on one side resets the other, so the client sees the failure.
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('unixPath' in listen) server.listen(listen.unixPath, resolve);
    else server.listen(listen.port, listen.host, resolve);
  });
  return {
    port: () => {
      const address = server.address();
      return typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : 0;
    },
    requests: () => received.flatMap((chunks, connection) => parseRequests(Buffer.concat(chunks), connection)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/;

/**
 * The requests in one client-to-server byte stream, read one after another the way a server would
 * (keep-alive connections carry several). Stops at the first thing that is not a complete request.
 */
export function parseRequests(bytes: Buffer, connection: number): TappedRequest[] {
  const requests: TappedRequest[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset);
    if (headEnd === -1) break;
    const [requestLine = '', ...lines] = bytes.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const line = REQUEST_LINE.exec(requestLine);
    if (line === null) break;
    const headers = parseHeaders(lines);
    const bodyStart = headEnd + 4;
    const framed = readBody(bytes, bodyStart, headers);
    if (framed === undefined) break;
    requests.push({ method: line[1] ?? '', target: line[2] ?? '', headers, connection, body: framed.body });
    offset = framed.end;
  }
  return requests;
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** RFC 9112 §6: a body is framed by content-length or chunked transfer coding, else it is empty. */
function readBody(bytes: Buffer, start: number, headers: Record<string, string>): { body: Buffer; end: number } | undefined {
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return readChunked(bytes, start);
  const length = Number(headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || start + length > bytes.length) return undefined;
  return { body: bytes.subarray(start, start + length), end: start + length };
}

function readChunked(bytes: Buffer, start: number): { body: Buffer; end: number } | undefined {
  const chunks: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) {
      // No trailers from the clients we tap: the last chunk is followed by one empty line.
      return { body: Buffer.concat(chunks), end: lineEnd + 4 };
    }
    chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
