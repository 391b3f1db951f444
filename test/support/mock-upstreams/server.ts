import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describeIssue, type DialectWire, type Endpoint } from './dialect-wire.js';
import { embeddingsBody } from './embeddings-format.js';
import { Exchange } from './exchange.js';
import { openaiResponsesWire } from './openai-responses-wire.js';
import { estimateInputTokens } from './resolved-turn.js';
import { RequestWaiters } from './request-waiters.js';
import { runScenario } from './scenario-runner.js';
import { wireFor } from './wire-for.js';
import type { MockDialect, MockUpstream, MockUpstreamOptions, RecordedRequest, Scenario } from './types.js';

const NOT_JSON = 'The request body is not valid JSON.';

/** Starts a mock vendor API on 127.0.0.1 at a free port. */
export async function startMockUpstream(options: MockUpstreamOptions): Promise<MockUpstream> {
  const mock = new MockUpstreamServer(wireFor(options.dialect), options);
  await mock.listen();
  return mock;
}

class MockUpstreamServer implements MockUpstream {
  readonly dialect: MockDialect;
  readonly requests: RecordedRequest[] = [];
  readonly allRequests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly queue: Scenario[] = [];
  private readonly hanging = new Set<Exchange>();
  private readonly waiters = new RequestWaiters();
  private handler: ((request: RecordedRequest) => Scenario) | undefined;
  private sequence = 0;

  constructor(
    private readonly wire: DialectWire,
    private readonly options: MockUpstreamOptions,
  ) {
    this.dialect = wire.dialect;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.fail(response, error));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${this.wire.basePath}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  enqueue(...scenarios: Scenario[]): void {
    this.queue.push(...scenarios);
  }

  setHandler(handler: (request: RecordedRequest) => Scenario): void {
    this.handler = handler;
  }

  waitForRequests(n: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    return this.waiters.waitForCount(this.requests, n, timeoutMs);
  }

  waitForAbort(request: RecordedRequest, timeoutMs = 5000): Promise<number> {
    return this.waiters.waitForAbort(request, timeoutMs);
  }

  async waitForBytes(request: RecordedRequest, bytes: number, timeoutMs = 5000): Promise<void> {
    await this.waiters.waitForBytes(request, bytes, timeoutMs);
  }

  releaseHanging(): void {
    for (const exchange of this.hanging) exchange.destroy();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    this.releaseHanging();
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
    });
    this.server.closeAllConnections();
    await closed;
    this.waiters.cancelAll('mock upstream closed');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const rawBody = await readBody(request);
    const record: RecordedRequest = {
      method,
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers },
      body: parseJson(rawBody),
      rawBody,
      receivedAt,
    };
    const endpoint = this.wire.route(method, url.pathname);
    // One server, two OpenAI surfaces: `/v1/responses` has its own bodies and stream.
    const wire = endpoint === 'responses' ? openaiResponsesWire : this.wire;
    const ids = wire.ids(++this.sequence);
    const exchange = new Exchange(request, response, record, wire, ids.request, ids, () => this.waiters.notify());
    this.allRequests.push(record);
    if (endpoint === 'chat' || endpoint === 'responses') {
      this.requests.push(record);
      this.waiters.notify();
    }
    await this.answer(exchange, endpoint, url.pathname);
  }

  private async answer(exchange: Exchange, endpoint: Endpoint | undefined, pathname: string): Promise<void> {
    const { record, wire } = exchange;
    if (endpoint === undefined) {
      const message = wire.notFoundMessage(record.method, pathname);
      return this.sendError(exchange, 404, message, wire.dialect === 'openai' ? 'invalid_request_error' : undefined);
    }
    const key = this.options.requireApiKey;
    if (key !== undefined && !wire.isAuthorized(exchange.request.headers, key)) {
      return this.sendError(exchange, 401, wire.unauthorizedMessage);
    }
    switch (endpoint) {
      case 'models':
        return this.sendJson(exchange, 200, wire.modelsBody(this.options.models ?? wire.defaultModels));
      case 'count-tokens':
        if (typeof record.body !== 'object' || record.body === null) {
          return this.sendError(exchange, 400, NOT_JSON);
        }
        return this.sendJson(exchange, 200, { input_tokens: estimateInputTokens(record.body) });
      case 'embeddings': {
        const answer = embeddingsBody(record.body, { floatOnly: this.options.embeddingsFloatOnly ?? false });
        return this.sendJson(exchange, answer.status, answer.body);
      }
      case 'chat':
      case 'responses': {
        const parsed = wire.chatBodySchema.safeParse(record.body);
        if (!parsed.success) {
          const message = record.body === undefined ? NOT_JSON : describeIssue(parsed.error);
          return this.sendError(exchange, 400, message);
        }
        const scenario = this.queue.shift() ?? this.handler?.(record) ?? { kind: 'turn' };
        return runScenario(scenario, exchange, () => this.hang(exchange));
      }
    }
  }

  private hang(exchange: Exchange): void {
    this.hanging.add(exchange);
    exchange.response.once('close', () => this.hanging.delete(exchange));
  }

  private sendError(exchange: Exchange, status: number, message: string, type?: string): void {
    const body = exchange.wire.errorBody({ status, requestId: exchange.requestId, message, type });
    this.sendJson(exchange, status, body);
  }

  private sendJson(exchange: Exchange, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    exchange.response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...exchange.wire.headers(exchange.requestId),
    });
    exchange.response.end(text);
  }

  /** A script mistake (e.g. non-JSON tool arguments in a non-streaming anthropic turn) surfaces as a 500 naming it. */
  private fail(response: ServerResponse, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (!response.headersSent) {
      const body = this.wire.errorBody({ status: 500, requestId: 'req_mock_error', message });
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      return;
    }
    response.destroy();
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('close', () => reject(new Error('client closed the connection while sending its body')));
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
