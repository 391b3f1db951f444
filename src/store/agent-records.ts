/** Who a skill, context file or agent belongs to: the whole organization, one team, or one person. */
export type OwnerScope = { kind: 'org' } | { kind: 'team'; teamId: string } | { kind: 'user'; userId: string };

/** An MCP connection attached to an agent with the tools it may use from it. */
export interface AgentMcpRecord {
  connection: string;
  allowTools: string[];
}

export interface AgentRecord {
  id: string;
  orgId: string;
  /** The owning team, or null for an organization-wide agent (anyone in the org may call it). */
  teamId: string | null;
  name: string;
  /** The agent's job, shown to people choosing one. */
  description: string;
  /** Instructions: who the agent is and how it works. */
  personality: string;
  skillIds: string[];
  contextFileIds: string[];
  mcp: AgentMcpRecord[];
  /** The model or route each step asks the router for. */
  model: string;
  maxSteps: number;
  toolTimeoutMs: number;
  createdAt: number;
  updatedAt: number;
}

/** A file that travels with a skill (a script, a template, a reference page). */
export interface SkillFile {
  path: string;
  content: string;
}

/** A reusable instruction set in the open SKILL.md shape. */
export interface SkillRecord {
  id: string;
  orgId: string;
  scope: OwnerScope;
  name: string;
  description: string;
  body: string;
  files: SkillFile[];
  /** Inlined into every prompt of the agents it is attached to, instead of loaded on demand. */
  alwaysOn: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A named markdown document inlined into the prompt of the agents it is attached to. */
export interface ContextFileRecord {
  id: string;
  orgId: string;
  scope: OwnerScope;
  name: string;
  content: string;
  createdAt: number;
  updatedAt: number;
}

export type AgentRunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'step_limit';

/** One step of a run: a model call, or a tool call with its size, time and outcome. */
export type AgentStepRecord =
  | { kind: 'model'; step: number; requestId: string; durationMs: number; finish: string; text: string; toolCalls: Array<{ id: string; name: string; argumentsBytes: number }> }
  | {
      kind: 'tool';
      step: number;
      callId: string;
      tool: string;
      source: string;
      argumentsBytes: number;
      durationMs: number;
      outcome: 'ok' | 'error' | 'timeout' | 'cancelled' | 'caller';
      resultBytes: number;
      /** What the model was given back (capped). */
      result: string;
    };

/** A run of an agent, under the caller's identity: the audit record of the run and every step. */
export interface AgentRunRecord {
  id: string;
  orgId: string;
  agentId: string;
  agentName: string;
  keyId: string;
  userId: string | null;
  teamId: string | null;
  /** `openai-chat`, `anthropic-messages`, `openai-responses` or `runs`. */
  surface: string;
  status: AgentRunStatus;
  output: string;
  steps: AgentStepRecord[];
  error: string | null;
  callbackUrl: string | null;
  startedAt: number;
  endedAt: number | null;
}
