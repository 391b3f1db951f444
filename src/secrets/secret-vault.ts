import type { Clock } from '../platform/clock.js';
import type { OwnerScope } from '../store/agent-records.js';
import type { SecretRecord } from '../store/secret-records.js';
import type { SecretRepository } from '../store/secret-repositories.js';
import type { SecretBox } from './secret-box.js';

/** How often at most a secret's `lastUsedAt` is written: "last use" needs minutes, not every call. */
const TOUCH_INTERVAL_MS = 60_000;

/** Secrets found for a set of names: each value with the record it came from, and the names not found. */
export interface ResolvedSecrets {
  values: Map<string, { value: string; record: SecretRecord }>;
  missing: string[];
}

/**
 * Seals secret values and opens them where they are injected. Opening is the only way to a value,
 * and the only callers are the places that hand it to an MCP server at connect time.
 */
export class SecretVault {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly repository: SecretRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  seal(secretId: string, value: string): string {
    return this.box.seal(value, secretOwner(secretId));
  }

  /** Whether the master key opens this sealed value (the start-up check of the master key). */
  opens(record: SecretRecord): boolean {
    try {
      this.box.open(record.sealedValue, secretOwner(record.id));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Finds each name in `scopes`, nearest first (the caller's own, then the connection's), opens the
   * values and notes their use. A value that does not open (another master key) is reported missing.
   */
  async resolve(orgId: string, names: readonly string[], scopes: readonly OwnerScope[]): Promise<ResolvedSecrets> {
    const values = new Map<string, { value: string; record: SecretRecord }>();
    const missing: string[] = [];
    for (const name of new Set(names)) {
      let found: SecretRecord | undefined;
      for (const scope of scopes) {
        found = await this.repository.findByName(orgId, scope, name);
        if (found !== undefined) break;
      }
      if (found === undefined) {
        missing.push(name);
        continue;
      }
      try {
        values.set(name, { value: this.box.open(found.sealedValue, secretOwner(found.id)), record: found });
      } catch {
        missing.push(name);
      }
    }
    this.noteUse([...values.values()].map((entry) => entry.record.id));
    return { values, missing };
  }

  private noteUse(ids: string[]): void {
    const now = this.clock.now();
    const due = ids.filter((id) => now - (this.touched.get(id) ?? -Infinity) >= TOUCH_INTERVAL_MS);
    if (due.length === 0) return;
    for (const id of due) this.touched.set(id, now);
    this.repository.touch(due.map((id) => ({ id, at: now }))).catch(this.onError);
  }
}

/** The additional data a secret's envelope is bound to. */
export function secretOwner(secretId: string): string {
  return `secret:${secretId}`;
}
