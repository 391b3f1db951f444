import type { Principal } from '../governance/principal.js';

/**
 * The contract between the agent runtime and whatever supplies tools to it (the built-in
 * `load_skill`, MCP connections, later the Admin Agent's operations). The runtime never knows
 * where a tool comes from: it asks each source for its tools before the first step and sends
 * each call to the source that listed the name.
 */

/** A tool as the model sees it. `name` must match `[a-zA-Z0-9_-]{1,64}` and be unique per run. */
export interface AgentTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments; always an object schema. */
  inputSchema: Record<string, unknown>;
}

/** One MCP connection attached to an agent, with the tools the agent may use from it. */
export interface AgentMcpAttachment {
  /** The connection's name (tools are exposed as `<connection>__<tool>`). */
  connection: string;
  /** Original tool names allowed for this agent; empty means none, `['*']` means every approved tool. */
  allowTools: string[];
}

/** What a tool source needs to know about the agent being run. */
export interface AgentToolScope {
  id: string;
  name: string;
  orgId: string;
  /** Owning team for team agents; undefined for org agents. */
  teamId: string | undefined;
  mcp: AgentMcpAttachment[];
  /** The skills attached to the agent (for the built-in load_skill). */
  skillIds?: readonly string[];
}

/** Context for one tool call. The runtime enforces `timeoutMs` too; a source should honour `signal`. */
export interface ToolCallContext {
  /** The caller the agent acts for: credentials and audit are theirs. */
  principal: Principal;
  agent: AgentToolScope;
  /** Aborted when the caller hangs up or the call's timeout passes. */
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * What a tool call produced. Failures the model can react to (bad arguments, a crashed server,
 * a refused URL) come back as `isError: true` with readable text, never as a thrown error.
 * `content` is text for the model; a source caps its size.
 */
export interface ToolOutcome {
  content: string;
  isError: boolean;
}

export interface ToolSource {
  /** A short id for audit records and logs (`builtin`, `mcp`). */
  readonly id: string;
  /** The tools this source offers to `agent` when run by `principal`. */
  tools(agent: AgentToolScope, principal: Principal, signal: AbortSignal): Promise<AgentTool[]>;
  /** Runs one tool this source listed. Throwing is treated as an error outcome with the message. */
  call(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolOutcome>;
}
