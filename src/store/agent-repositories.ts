import type { AgentRecord, AgentRunRecord, ContextFileRecord, OwnerScope, SkillRecord } from './agent-records.js';

export interface AgentRepository {
  insert(record: AgentRecord): Promise<void>;
  update(record: AgentRecord): Promise<void>;
  findByName(orgId: string, name: string): Promise<AgentRecord | undefined>;
  findById(id: string): Promise<AgentRecord | undefined>;
  list(orgId: string): Promise<AgentRecord[]>;
  delete(id: string): Promise<boolean>;
}

/** Skills and context files share a shape: named, scoped documents. */
export interface ScopedDocumentRepository<T extends SkillRecord | ContextFileRecord> {
  insert(record: T): Promise<void>;
  update(record: T): Promise<void>;
  findById(id: string): Promise<T | undefined>;
  findByName(orgId: string, scope: OwnerScope, name: string): Promise<T | undefined>;
  findByIds(ids: readonly string[]): Promise<T[]>;
  list(orgId: string): Promise<T[]>;
  delete(id: string): Promise<boolean>;
}

export interface AgentRunRepository {
  insert(record: AgentRunRecord): Promise<void>;
  update(record: AgentRunRecord): Promise<void>;
  findById(id: string): Promise<AgentRunRecord | undefined>;
  list(query: { orgId: string; agentId?: string; keyIds?: string[]; teamIds?: string[]; userId?: string; limit: number }): Promise<AgentRunRecord[]>;
}

/** The agent half of the store: agents, their skills and context files, and their runs. */
export interface AgentStore {
  readonly agents: AgentRepository;
  readonly skills: ScopedDocumentRepository<SkillRecord>;
  readonly contextFiles: ScopedDocumentRepository<ContextFileRecord>;
  readonly runs: AgentRunRepository;
}
