import { request, type IncomingHttpHeaders } from 'node:http';
import type { MockDialect } from '../../support/mock-upstreams/index.js';
import type { TestServer } from '../../support/test-server.js';

/** Where each surface takes chat requests. */
export const CHAT_PATHS: Record<MockDialect, string> = {
  openai: '/api/openai/v1/chat/completions',
  anthropic: '/api/anthropic/v1/messages',
};

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body exactly as it arrived. */
  bytes: Buffer;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
}

export interface RawRequestOptions {
  method?: string;
  /** Sent as is; a non-string is JSON-encoded. */
  body?: unknown;
  /** Defaults to the owner key as Bearer; pass `{}` plus your own auth header to override. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A plain `fetch` against the server, for checks the SDKs would hide (exact bytes, status, headers). */
export async function rawRequest(server: TestServer, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { body } = options;
  const response = await fetch(server.url + path, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: options.headers ?? { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  return { status: response.status, headers: response.headers, bytes, text, json: parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface SseMessage {
  event: string | undefined;
  data: string;
}

/** Splits an event-stream body into messages (the tests' own reading, independent of the gateway's parser). */
export function sseMessages(text: string): SseMessage[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice('event:'.length).trim();
        else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
      }
      return { event, data: data.join('\n') };
    });
}

/** The one request record the server kept for a request id (fails the test when there is not exactly one). */
export async function recordOf(server: TestServer, requestId: string | null): Promise<any> {
  if (requestId === null) throw new Error('the response carried no request id');
  const records = (await server.requestLog(500)).filter((record) => record.id === requestId);
  if (records.length !== 1) throw new Error(`expected one record for ${requestId}, found ${records.length}`);
  return records[0];
}

/**
 * POSTs a body in chunked pieces, without Content-Length, so the server only learns its size while
 * reading; resolves with the status and body, or `error` when the connection broke first.
 */
export function postChunked(server: TestServer, path: string, pieces: string[], headers: Record<string, string>): Promise<{ status?: number; headers?: IncomingHttpHeaders; text: string; error?: Error }> {
  return new Promise((resolve) => {
    let isAnswered = false;
    const outgoing = request(server.url + path, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (incoming) => {
      isAnswered = true;
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (piece: string) => (text += piece));
      incoming.on('end', () => resolve({ status: incoming.statusCode, headers: incoming.headers, text }));
    });
    outgoing.on('error', (error) => resolve({ text: '', error }));
    const writeNext = (index: number): void => {
      // A server that refused the body early answers before reading it all: stop sending then.
      if (outgoing.destroyed || isAnswered) return;
      const piece = pieces[index];
      if (piece === undefined) {
        outgoing.end();
        return;
      }
      outgoing.write(piece, () => setTimeout(() => writeNext(index + 1), 2));
    };
    writeNext(0);
  });
}
