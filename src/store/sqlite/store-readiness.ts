import type Libsql from 'libsql';
import type { StoreReadiness } from '../store.js';

/**
 * Whether the store answers and holds exactly the schema this program knows: one read of Kysely's
 * migration table, cheap enough to run on every readiness probe. A store migrated by a newer
 * version (its migrations unknown here) is not ready either: this version would misread it.
 */
export function storeReadiness(database: Libsql.Database, known: readonly string[]): () => Promise<StoreReadiness> {
  const applied = database.prepare('SELECT name FROM kysely_migration');
  return () => {
    let names: Set<string>;
    try {
      names = new Set((applied.all() as Array<{ name: string }>).map((row) => row.name));
    } catch (error) {
      return Promise.resolve({ ready: false, reason: `the store cannot be read: ${error instanceof Error ? error.message : String(error)}` });
    }
    const pending = known.filter((name) => !names.has(name));
    if (pending.length > 0) return Promise.resolve({ ready: false, reason: `the store is not migrated: ${pending.join(', ')} not applied` });
    const unknown = [...names].filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      return Promise.resolve({ ready: false, reason: `the store was migrated by a newer version of Auxot (${unknown.join(', ')}); run that version` });
    }
    return Promise.resolve({ ready: true });
  };
}
