import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Principal } from '../../governance/principal.js';
import { checkSkill } from '../../agents/skill-format.js';
import type { ContextFileRecord, OwnerScope, SkillRecord } from '../../store/agent-records.js';
import type { Store } from '../../store/store.js';
import { changeWithAudit, iso, type GovernanceContext } from '../governance/context.js';
import { canRead, canWrite, scopeLabel, writableScope } from './agent-scope.js';

/** The most a context file may hold: it is inlined into every prompt it is attached to. */
export const MAX_CONTEXT_FILE_BYTES = 64 * 1024;
const MAX_SKILL_BYTES = 256 * 1024;

const scope = z.string().min(1).default('org').describe("'org', 'team:<team>' or 'user' (the caller)");
const skillFile = z.object({ path: z.string().min(1).max(255).regex(/^[A-Za-z0-9_-][A-Za-z0-9._/-]*$/, 'a relative path'), content: z.string().max(MAX_SKILL_BYTES) }).strict();

export const putSkillInput = z
  .object({
    skill: z.string().min(1).describe('skill name'),
    scope,
    description: z.string().min(1).max(1024),
    body: z.string().max(MAX_SKILL_BYTES),
    files: z.array(skillFile).max(100).default([]),
    alwaysOn: z.boolean().default(false).describe('inline the body into every prompt instead of loading it on demand'),
  })
  .strict();

export const putContextFileInput = z
  .object({ contextFile: z.string().min(1).max(128).describe('context file name'), scope, content: z.string().max(MAX_CONTEXT_FILE_BYTES, `at most ${MAX_CONTEXT_FILE_BYTES} characters`) })
  .strict();

export const documentRefInput = z.object({ scope: z.string().min(1).optional().describe('where to look first; default: user, then the acting team, then org') }).strict();

export interface SkillView {
  id: string;
  name: string;
  scope: string;
  description: string;
  body: string;
  files: Array<{ path: string; content: string }>;
  alwaysOn: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface ContextFileView {
  id: string;
  name: string;
  scope: string;
  content: string;
  bytes: number;
  createdAt: string | null;
  updatedAt: string | null;
}

type Kind = 'skill' | 'context file';

/** Skills and context files: named documents scoped to the organization, a team or a person. */
export class DocumentService {
  constructor(private readonly context: GovernanceContext) {}

  async listSkills(actor: Principal): Promise<SkillView[]> {
    return (await this.context.store.agentStore.skills.list(actor.orgId)).filter((skill) => canRead(actor, skill.scope)).map(skillView);
  }

  async getSkill(actor: Principal, name: string, scopeText?: string): Promise<SkillView> {
    return skillView(await this.findSkill(actor, name, scopeText));
  }

  async putSkill(actor: Principal, input: z.output<typeof putSkillInput>): Promise<SkillView> {
    checkSkill({ name: input.skill, description: input.description });
    const escaping = input.files.find((file) => file.path.split('/').includes('..'));
    if (escaping !== undefined) throw new GatewayError('invalid_request', `A skill file path may not contain '..': ${escaping.path}`, { param: 'files' });
    const owner = await writableScope(this.context, actor, input.scope);
    const repository = this.context.store.agentStore.skills;
    const current = await repository.findByName(actor.orgId, owner, input.skill);
    const now = this.context.clock.now();
    const record: SkillRecord = {
      id: current?.id ?? this.context.newId('skill_'),
      orgId: actor.orgId,
      scope: owner,
      name: input.skill,
      description: input.description,
      body: input.body,
      files: input.files,
      alwaysOn: input.alwaysOn,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      await (current === undefined ? store.agentStore.skills.insert(record) : store.agentStore.skills.update(record));
      return { result: skillView(record), audit: audit('skill', current === undefined ? 'create' : 'update', record, current, summary) };
    });
  }

  async deleteSkill(actor: Principal, name: string, scopeText?: string): Promise<void> {
    const current = await this.findSkill(actor, name, scopeText);
    if (!canWrite(actor, current.scope)) throw new GatewayError('forbidden', `You may not delete the skill '${name}'`);
    await changeWithAudit(this.context, actor, async (store) => {
      await store.agentStore.skills.delete(current.id);
      return { result: undefined, audit: audit('skill', 'delete', undefined, current, summary) };
    });
  }

  async listContextFiles(actor: Principal): Promise<ContextFileView[]> {
    return (await this.context.store.agentStore.contextFiles.list(actor.orgId)).filter((file) => canRead(actor, file.scope)).map(contextView);
  }

  async getContextFile(actor: Principal, name: string, scopeText?: string): Promise<ContextFileView> {
    return contextView(await this.findContextFile(actor, name, scopeText));
  }

  async putContextFile(actor: Principal, input: z.output<typeof putContextFileInput>): Promise<ContextFileView> {
    if (Buffer.byteLength(input.content) > MAX_CONTEXT_FILE_BYTES) throw new GatewayError('invalid_request', `A context file holds at most ${MAX_CONTEXT_FILE_BYTES} bytes`, { param: 'content' });
    const owner = await writableScope(this.context, actor, input.scope);
    const current = await this.context.store.agentStore.contextFiles.findByName(actor.orgId, owner, input.contextFile);
    const now = this.context.clock.now();
    const record: ContextFileRecord = { id: current?.id ?? this.context.newId('ctx_'), orgId: actor.orgId, scope: owner, name: input.contextFile, content: input.content, createdAt: current?.createdAt ?? now, updatedAt: now };
    return changeWithAudit(this.context, actor, async (store) => {
      await (current === undefined ? store.agentStore.contextFiles.insert(record) : store.agentStore.contextFiles.update(record));
      return { result: contextView(record), audit: audit('context file', current === undefined ? 'create' : 'update', record, current, (file) => ({ name: file.name, bytes: Buffer.byteLength(file.content) })) };
    });
  }

  async deleteContextFile(actor: Principal, name: string, scopeText?: string): Promise<void> {
    const current = await this.findContextFile(actor, name, scopeText);
    if (!canWrite(actor, current.scope)) throw new GatewayError('forbidden', `You may not delete the context file '${name}'`);
    await changeWithAudit(this.context, actor, async (store) => {
      await store.agentStore.contextFiles.delete(current.id);
      return { result: undefined, audit: audit('context file', 'delete', undefined, current, (file) => ({ name: file.name })) };
    });
  }

  /** `teamId`: the team of the agent being attached to, searched before the caller's acting team. */
  findSkill(actor: Principal, name: string, scopeText?: string, teamId?: string): Promise<SkillRecord> {
    return this.find(actor, 'skill', name, scopeText, teamId, (owner) => this.context.store.agentStore.skills.findByName(actor.orgId, owner, name));
  }

  findContextFile(actor: Principal, name: string, scopeText?: string, teamId?: string): Promise<ContextFileRecord> {
    return this.find(actor, 'context file', name, scopeText, teamId, (owner) => this.context.store.agentStore.contextFiles.findByName(actor.orgId, owner, name));
  }

  /** By name: in the scope given, or the nearest one (the caller's own, the acting team's, the organization's). */
  private async find<T extends { scope: OwnerScope }>(actor: Principal, kind: Kind, name: string, scopeText: string | undefined, teamId: string | undefined, lookup: (scope: OwnerScope) => Promise<T | undefined>): Promise<T> {
    const candidates: OwnerScope[] = [];
    if (scopeText !== undefined) candidates.push(await readableScope(this.context.store, actor, scopeText));
    else {
      if (actor.identity.kind === 'user') candidates.push({ kind: 'user', userId: actor.identity.id });
      if (teamId !== undefined) candidates.push({ kind: 'team', teamId });
      if (actor.teamId !== undefined) candidates.push({ kind: 'team', teamId: actor.teamId });
      candidates.push({ kind: 'org' });
    }
    for (const candidate of candidates) {
      const found = await lookup(candidate);
      if (found !== undefined && canRead(actor, found.scope)) return found;
    }
    throw new GatewayError('not_found', `No ${kind} '${name}'`);
  }
}

async function readableScope(store: Store, actor: Principal, text: string): Promise<OwnerScope> {
  if (text === 'org') return { kind: 'org' };
  if (text === 'user' && actor.identity.kind === 'user') return { kind: 'user', userId: actor.identity.id };
  if (text.startsWith('team:')) {
    const name = text.slice(5);
    const team = (await store.teams.findByName(actor.orgId, name)) ?? (await store.teams.findById(name));
    if (team !== undefined) return { kind: 'team', teamId: team.id };
  }
  throw new GatewayError('invalid_request', `Unknown scope '${text}'`, { param: 'scope' });
}

function summary(skill: SkillRecord): unknown {
  return { name: skill.name, description: skill.description, alwaysOn: skill.alwaysOn, files: skill.files.map((file) => file.path), bodyBytes: Buffer.byteLength(skill.body) };
}

function audit<T extends SkillRecord | ContextFileRecord>(kind: Kind, verb: string, next: T | undefined, before: T | undefined, describe: (record: T) => unknown) {
  const record = (next ?? before) as T;
  return {
    action: `${kind === 'skill' ? 'skill' : 'contextFile'}.${verb}`,
    targetType: kind === 'skill' ? 'skill' : 'context_file',
    targetId: record.id,
    targetName: record.name,
    teamId: record.scope.kind === 'team' ? record.scope.teamId : null,
    before: before === undefined ? null : describe(before),
    after: next === undefined ? null : describe(next),
  };
}

export function skillView(skill: SkillRecord): SkillView {
  return { id: skill.id, name: skill.name, scope: scopeLabel(skill.scope), description: skill.description, body: skill.body, files: skill.files, alwaysOn: skill.alwaysOn, createdAt: iso(skill.createdAt), updatedAt: iso(skill.updatedAt) };
}

function contextView(file: ContextFileRecord): ContextFileView {
  return { id: file.id, name: file.name, scope: scopeLabel(file.scope), content: file.content, bytes: Buffer.byteLength(file.content), createdAt: iso(file.createdAt), updatedAt: iso(file.updatedAt) };
}
