import type { OwnerScope } from './agent-records.js';
import type { McpConnectionRecord, SecretRecord } from './secret-records.js';

export interface SecretRepository {
  insert(record: SecretRecord): Promise<void>;
  update(record: SecretRecord): Promise<void>;
  findByName(orgId: string, scope: OwnerScope, name: string): Promise<SecretRecord | undefined>;
  list(orgId: string): Promise<SecretRecord[]>;
  delete(id: string): Promise<boolean>;
  /** Records when secrets were last injected (batched and throttled by the caller). */
  touch(uses: ReadonlyArray<{ id: string; at: number }>): Promise<void>;
}

export interface McpConnectionRepository {
  insert(record: McpConnectionRecord): Promise<void>;
  update(record: McpConnectionRecord): Promise<void>;
  findByName(orgId: string, name: string): Promise<McpConnectionRecord | undefined>;
  findById(id: string): Promise<McpConnectionRecord | undefined>;
  list(orgId: string): Promise<McpConnectionRecord[]>;
  delete(id: string): Promise<boolean>;
}
