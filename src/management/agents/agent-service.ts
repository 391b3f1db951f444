import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isOrgAdmin, requireOrgAdmin, requireTeamAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { AgentRecord } from '../../store/agent-records.js';
import { changeWithAudit, iso, visibleTeam, type GovernanceContext } from '../governance/context.js';
import type { DocumentService } from './document-service.js';

export const MAX_AGENT_STEPS = 50;

/** The built-in Admin Agent: always there, never deleted; its tools are the management operations. */
export const ADMIN_AGENT_NAME = 'admin';

export const putAgentInput = z
  .object({
    agent: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'use 1-63 lowercase letters, digits, ".", "_" or "-"').describe('agent name; callers use model agent:<name>'),
    team: z.string().min(1).optional().describe('owning team (name or id); leave out for an organization-wide agent'),
    description: z.string().max(2000).default(''),
    personality: z.string().max(64 * 1024).default(''),
    skills: z.array(z.string().min(1)).max(100).default([]).describe('skill names (the nearest scope wins: team, then org)'),
    contextFiles: z.array(z.string().min(1)).max(50).default([]),
    mcp: z
      .array(z.object({ connection: z.string().min(1).max(64), allowTools: z.array(z.string().min(1)).max(500).default([]) }).strict())
      .max(20)
      .default([])
      .describe("MCP connections and the tools allowed from each ('*' for every approved tool)"),
    model: z.string().min(1).max(200).default('auto').describe('model or route each step asks for'),
    maxSteps: z.number().int().min(1).max(MAX_AGENT_STEPS).default(10),
    toolTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  })
  .strict();

export interface AgentView {
  id: string;
  name: string;
  team: string | null;
  description: string;
  personality: string;
  skills: string[];
  contextFiles: string[];
  mcp: Array<{ connection: string; allowTools: string[] }>;
  model: string;
  maxSteps: number;
  toolTimeoutMs: number;
  createdAt: string | null;
  updatedAt: string | null;
}

/** Agents: definitions owned by a team or the organization; a change applies to the next run. */
export class AgentService {
  constructor(
    private readonly context: GovernanceContext,
    private readonly documents: DocumentService,
  ) {}

  async list(actor: Principal): Promise<AgentView[]> {
    const agents = (await this.context.store.agentStore.agents.list(actor.orgId)).filter((agent) => mayCall(actor, agent));
    return Promise.all(agents.map((agent) => this.view(agent)));
  }

  async get(actor: Principal, name: string): Promise<AgentView> {
    return this.view(await this.visible(actor, name));
  }

  async put(actor: Principal, input: z.output<typeof putAgentInput>): Promise<AgentView> {
    if (input.agent === ADMIN_AGENT_NAME) refuseAdminAgentEdit(actor, input);
    let teamId: string | null = null;
    if (input.team === undefined) requireOrgAdmin(actor, 'changing an organization-wide agent');
    else {
      const team = await visibleTeam(this.context, actor, input.team);
      requireTeamAdmin(actor, team.id, team.name, "changing a team's agents");
      teamId = team.id;
    }
    const current = await this.context.store.agentStore.agents.findByName(actor.orgId, input.agent);
    if (current !== undefined && !mayChange(actor, current)) throw new GatewayError('forbidden', `The agent '${input.agent}' belongs to another team`);
    const skillIds = [];
    for (const name of input.skills) skillIds.push((await this.documents.findSkill(actor, name, undefined, teamId ?? undefined)).id);
    const contextFileIds = [];
    for (const name of input.contextFiles) contextFileIds.push((await this.documents.findContextFile(actor, name, undefined, teamId ?? undefined)).id);
    const now = this.context.clock.now();
    const record: AgentRecord = {
      id: current?.id ?? this.context.newId('agent_'),
      orgId: actor.orgId,
      teamId,
      name: input.agent,
      description: input.description,
      personality: input.personality,
      skillIds,
      contextFileIds,
      mcp: input.mcp,
      model: input.model,
      maxSteps: input.maxSteps,
      toolTimeoutMs: input.toolTimeoutMs,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    const view = await this.view(record);
    const before = current === undefined ? null : await this.view(current);
    return changeWithAudit(this.context, actor, async (store) => {
      await (current === undefined ? store.agentStore.agents.insert(record) : store.agentStore.agents.update(record));
      return { result: view, audit: { action: current === undefined ? 'agent.create' : 'agent.update', targetType: 'agent', targetId: record.id, targetName: record.name, teamId, before, after: view } };
    });
  }

  async delete(actor: Principal, name: string): Promise<void> {
    const current = await this.visible(actor, name);
    if (current.name === ADMIN_AGENT_NAME && current.teamId === null) throw new GatewayError('forbidden', 'The Admin Agent is built in and cannot be deleted');
    if (!mayChange(actor, current)) throw new GatewayError('forbidden', `You may not delete the agent '${name}'`);
    const before = await this.view(current);
    await changeWithAudit(this.context, actor, async (store) => {
      await store.agentStore.agents.delete(current.id);
      return { result: undefined, audit: { action: 'agent.delete', targetType: 'agent', targetId: current.id, targetName: current.name, teamId: current.teamId, before, after: null } };
    });
  }

  private async visible(actor: Principal, name: string): Promise<AgentRecord> {
    const agent = await this.context.store.agentStore.agents.findByName(actor.orgId, name);
    if (agent === undefined || !(mayCall(actor, agent) || isOrgAdmin(actor))) throw new GatewayError('not_found', `No agent '${name}'`);
    return agent;
  }

  private async view(agent: AgentRecord): Promise<AgentView> {
    const store = this.context.store;
    const team = agent.teamId === null ? undefined : await store.teams.findById(agent.teamId);
    const skills = await store.agentStore.skills.findByIds(agent.skillIds);
    const files = await store.agentStore.contextFiles.findByIds(agent.contextFileIds);
    return {
      id: agent.id,
      name: agent.name,
      team: team?.name ?? null,
      description: agent.description,
      personality: agent.personality,
      skills: skills.map((skill) => skill.name),
      contextFiles: files.map((file) => file.name),
      mcp: agent.mcp,
      model: agent.model,
      maxSteps: agent.maxSteps,
      toolTimeoutMs: agent.toolTimeoutMs,
      createdAt: iso(agent.createdAt),
      updatedAt: iso(agent.updatedAt),
    };
  }
}

/**
 * Who may call an agent: anyone in the organization for org agents; otherwise keys acting for the
 * owning team (whose policy then applies to every model call), and the organization's admins.
 */
export function mayCall(actor: Principal, agent: AgentRecord): boolean {
  if (agent.orgId !== actor.orgId) return false;
  if (agent.teamId === null) return true;
  return actor.teamId === agent.teamId || isOrgAdmin(actor);
}

function mayChange(actor: Principal, agent: AgentRecord): boolean {
  if (isOrgAdmin(actor)) return true;
  return agent.teamId !== null && actor.teamAdminOf.has(agent.teamId);
}

/**
 * The owner may tune the Admin Agent's personality, description, model route and step limit; its
 * tools are the management operations and nothing else, so skills, context files and MCP
 * connections cannot be attached, and it stays organization-wide.
 */
function refuseAdminAgentEdit(actor: Principal, input: z.output<typeof putAgentInput>): void {
  if (actor.role !== 'owner') throw new GatewayError('forbidden', 'Only the organization’s owner may tune the Admin Agent');
  if (input.team !== undefined || input.skills.length > 0 || input.contextFiles.length > 0 || input.mcp.length > 0) {
    throw new GatewayError('invalid_request', 'The Admin Agent’s tools cannot be edited: only its personality, description, model and maxSteps can be tuned');
  }
}

export const ADMIN_AGENT_PERSONALITY = [
  'You are the Admin Agent of Auxot, the AI gateway of this organization. You set up and run the platform for the person you talk to:',
  'providers (cloud APIs, OpenAI-compatible servers, GPU and Claude Code CLI worker pools), routes, teams, people, service accounts, policies and limits,',
  'API keys, agents, skills, MCP connections and secrets. Be brief and concrete. Read what you need with the read tools; propose changes with the change tools.',
].join(' ');

/** The Admin Agent's record as first made; the owner may tune it later. */
export function adminAgentRecord(orgId: string, id: string, now: number): AgentRecord {
  return {
    id,
    orgId,
    teamId: null,
    name: ADMIN_AGENT_NAME,
    description: 'Built in: configures the whole platform through conversation; every change is a plan you confirm',
    personality: ADMIN_AGENT_PERSONALITY,
    skillIds: [],
    contextFileIds: [],
    mcp: [],
    model: 'auto',
    maxSteps: 16,
    toolTimeoutMs: 30_000,
    createdAt: now,
    updatedAt: now,
  };
}
