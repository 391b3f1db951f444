import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../platform/clock.js';
import { sendJson } from '../http/send.js';

/**
 * The HTTP server, listening before the rest is wired (so the server knows its own address) and
 * answering 503 until a handler is set. It counts requests in flight so shutdown can drain them.
 */
export class HttpListener {
  readonly server: Server;
  private handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  private active = 0;

  constructor() {
    this.server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 300_000 }, (request, response) => {
      this.active++;
      response.once('close', () => this.active--);
      if (this.handler === undefined) sendJson(response, 503, { error: { type: 'overloaded', message: 'Auxot is starting' } }, { 'retry-after': '1' });
      else this.handler(request, response);
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  serve(handler: (request: IncomingMessage, response: ServerResponse) => void): void {
    this.handler = handler;
  }

  /**
   * Stops accepting; requests in flight may finish for up to `drainMs`; streams still open then are
   * cut, and so are connections that never sent a request (server.close alone would wait for them).
   */
  async close(clock: Clock, drainMs = 10_000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = clock.monotonic() + drainMs;
    while (this.active > 0 && clock.monotonic() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.server.closeAllConnections();
    await closed;
  }
}
