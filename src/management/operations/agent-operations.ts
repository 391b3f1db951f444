import { z } from 'zod';
import type { AgentService } from '../agents/agent-service.js';
import { putAgentInput } from '../agents/agent-service.js';
import type { AgentRunLedger } from '../agents/agent-run-ledger.js';
import { documentRefInput, putContextFileInput, putSkillInput, type DocumentService } from '../agents/document-service.js';
import { defineOperation, type AnyOperation } from '../operation.js';

export interface AgentServices {
  agents: AgentService;
  documents: DocumentService;
  runs: AgentRunLedger;
}

const none = z.object({}).strict();
const agent = z.string().min(1).describe('agent name');
const skill = z.string().min(1).describe('skill name');
const contextFile = z.string().min(1).describe('context file name');

/** Agents, skills, context files, and the record of agent runs. */
export function agentOperations(services: AgentServices): AnyOperation[] {
  const { agents, documents, runs } = services;
  return [
    defineOperation({ id: 'agents.list', summary: 'List the agents the caller may call', kind: 'read', input: none, run: (actor) => agents.list(actor) }),
    defineOperation({ id: 'agents.get', summary: 'Show an agent', kind: 'read', input: z.object({ agent }).strict(), run: (actor, input) => agents.get(actor, input.agent) }),
    defineOperation({ id: 'agents.put', summary: 'Create or replace an agent (team admins for team agents, owners and admins for org agents)', kind: 'change', input: putAgentInput, run: (actor, input) => agents.put(actor, input) }),
    defineOperation({ id: 'agents.delete', summary: 'Delete an agent', kind: 'change', input: z.object({ agent }).strict(), run: (actor, input) => agents.delete(actor, input.agent) }),
    defineOperation({
      id: 'agents.runs.list',
      summary: 'List agent runs with their steps (the caller’s own; team admins their teams’; admins all)',
      kind: 'read',
      input: z.object({ agent: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
      run: (actor, input) => runs.list(actor, input),
    }),

    defineOperation({ id: 'skills.list', summary: 'List the skills the caller may see', kind: 'read', input: none, run: (actor) => documents.listSkills(actor) }),
    defineOperation({ id: 'skills.get', summary: 'Show a skill with its body and files', kind: 'read', input: documentRefInput.extend({ skill }), run: (actor, input) => documents.getSkill(actor, input.skill, input.scope) }),
    defineOperation({ id: 'skills.put', summary: 'Create or replace a skill (SKILL.md: name, description, body, files)', kind: 'change', input: putSkillInput, run: (actor, input) => documents.putSkill(actor, input) }),
    defineOperation({ id: 'skills.delete', summary: 'Delete a skill', kind: 'change', input: documentRefInput.extend({ skill }), run: (actor, input) => documents.deleteSkill(actor, input.skill, input.scope) }),

    defineOperation({ id: 'contextFiles.list', summary: 'List the context files the caller may see', kind: 'read', input: none, run: (actor) => documents.listContextFiles(actor) }),
    defineOperation({ id: 'contextFiles.get', summary: 'Show a context file', kind: 'read', input: documentRefInput.extend({ contextFile }), run: (actor, input) => documents.getContextFile(actor, input.contextFile, input.scope) }),
    defineOperation({ id: 'contextFiles.put', summary: 'Create or replace a context file (markdown, size-capped)', kind: 'change', input: putContextFileInput, run: (actor, input) => documents.putContextFile(actor, input) }),
    defineOperation({ id: 'contextFiles.delete', summary: 'Delete a context file', kind: 'change', input: documentRefInput.extend({ contextFile }), run: (actor, input) => documents.deleteContextFile(actor, input.contextFile, input.scope) }),
  ];
}
