import type { EventEmitter } from 'node:events';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpConnectionRecord } from '../../store/secret-records.js';
import type { McpToolDefinition } from './tool-definition.js';
import { isAnyMcpError, isMcpError } from './sdk.js';
import type { McpCallResult } from './tool-result.js';

/** Servers listing more than this many tools are cut off: no agent's prompt holds more. */
const MAX_LISTED_TOOLS = 1_000;

/** Things a session reports while it works (tests wait on them; nothing else needs them). */
export interface SessionEvents {
  /** A progress notification for a call in flight: the server is working on it. */
  progress: [{ connection: string; tool: string }];
}

/**
 * One live connection to an MCP server: the SDK client, the values that were injected (to be
 * kept out of what the model sees), and the tool list, cached until the server says it changed.
 */
export class McpSession {
  alive = true;
  inFlight = 0;
  lastUsed: number;
  private tools: McpToolDefinition[] | undefined;

  constructor(
    readonly key: string,
    readonly connection: McpConnectionRecord,
    readonly client: Client,
    /** The secret values injected into this connection. */
    readonly secrets: readonly string[],
    readonly events: EventEmitter<SessionEvents>,
    private readonly now: () => number,
    /** The server's process id (stdio), for diagnostics. */
    readonly pid: () => number | undefined,
  ) {
    this.lastUsed = now();
  }

  /** The server told us its tools changed: the next listing asks again. */
  forgetTools(): void {
    this.tools = undefined;
  }

  /** The tools as last listed, or a fresh listing when there is none. */
  async cachedTools(signal: AbortSignal): Promise<McpToolDefinition[]> {
    return this.tools ?? this.listTools(signal);
  }

  /** Asks the server for its tools (every page). */
  async listTools(signal: AbortSignal, timeoutMs = 30_000): Promise<McpToolDefinition[]> {
    const tools: McpToolDefinition[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.use(() => this.client.listTools(cursor === undefined ? {} : { cursor }, { signal, timeout: timeoutMs }));
      tools.push(...(page.tools as McpToolDefinition[]));
      cursor = page.nextCursor;
    } while (cursor !== undefined && tools.length < MAX_LISTED_TOOLS);
    this.tools = tools.slice(0, MAX_LISTED_TOOLS);
    return this.tools;
  }

  /** Calls a tool; aborting `signal` or passing `timeoutMs` sends the server `notifications/cancelled`. */
  async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<McpCallResult> {
    // A result of the protocol's older `toolResult` shape has none of the fields read; it comes out empty.
    const result: Record<string, unknown> = await this.use(() =>
      this.client.callTool({ name, arguments: args }, undefined, {
        signal,
        timeout: timeoutMs,
        onprogress: () => this.events.emit('progress', { connection: this.connection.name, tool: name }),
      }),
    );
    return result;
  }

  private async use<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.lastUsed = this.now();
    }
  }
}

/** Whether an error means the connection itself is gone (not a refusal the server answered). */
export function connectionLost(error: unknown): boolean {
  return !isAnyMcpError(error) || isMcpError(error, 'ConnectionClosed');
}
