import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface McpHttpServer {
  url: string;
  /** The headers of every HTTP request the server received. */
  requests: IncomingHttpHeaders[];
  /** `slow-started` when the slow tool runs, `slow-cancelled` when the client cancelled it. */
  events: EventEmitter;
  /** Changes the `lookup` tool's description on every session (as a server update would). */
  changeLookupDescription(description: string): void;
  close(): Promise<void>;
}

/**
 * A real MCP server over Streamable HTTP (the SDK's server side, stateful sessions) on 127.0.0.1:
 * `lookup` answers at once, `slow` waits until the client cancels it, `big` returns as many bytes
 * as asked for.
 */
export async function startMcpHttpServer(): Promise<McpHttpServer> {
  const events = new EventEmitter();
  const requests: IncomingHttpHeaders[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const lookups: RegisteredTool[] = [];
  let lookupDescription = 'Looks a word up in the glossary';

  const build = (): McpServer => {
    const server = new McpServer({ name: 'auxot-test-http', version: '1.0.0' });
    lookups.push(
      server.registerTool('lookup', { description: lookupDescription, inputSchema: { word: z.string() } }, ({ word }) => ({ content: [{ type: 'text', text: `definition of ${word}` }] })),
    );
    server.registerTool('slow', { description: 'Works until it is cancelled', inputSchema: {} }, async (_args, extra) => {
      events.emit('slow-started');
      if (!extra.signal.aborted) await once(extra.signal, 'abort');
      events.emit('slow-cancelled');
      return { content: [{ type: 'text', text: 'cancelled' }] };
    });
    server.registerTool('big', { description: 'Returns a long text', inputSchema: { bytes: z.number().int() } }, ({ bytes }) => ({ content: [{ type: 'text', text: 'é'.repeat(Math.floor(bytes / 2)) }] }));
    return server;
  };

  const http = createServer((request, response) => {
    requests.push(request.headers);
    void (async () => {
      const sessionId = request.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
      if (transport === undefined) {
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void transports.set(id, created) });
        transport = created;
        await build().connect(transport);
      }
      await transport.handleRequest(request, response);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    events,
    changeLookupDescription(description) {
      lookupDescription = description;
      for (const tool of lookups) tool.update({ description });
    },
    async close() {
      for (const transport of transports.values()) await transport.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
