import type { AdminClient } from './admin-client.js';
import { UsageError } from './cli-errors.js';

/**
 * Names people type, turned into the ids the API wants where it does not take names itself
 * (teams and people it resolves on its own; API keys it knows only by id, and key names need not
 * be unique).
 */
interface Named {
  id: string;
  name: string;
}

const KEY_ID = /^key_/;

/** Every key id a name (or id) stands for; none is a usage error naming the flag. */
export async function keyIdsNamed(api: AdminClient, value: string, flag: string): Promise<string[]> {
  if (KEY_ID.test(value)) return [value];
  const keys = ((await api.call('GET', '/api/admin/keys')) as { data: Named[] }).data;
  const ids = keys.filter((key) => key.name === value).map((key) => key.id);
  if (ids.length === 0) throw new UsageError(`${flag}: no API key named '${value}' (see auxot keys list)`);
  return ids;
}

/** The one key a name (or id) stands for; a name several keys share asks for the id. */
export async function keyIdNamed(api: AdminClient, value: string, flag: string): Promise<string> {
  const ids = await keyIdsNamed(api, value, flag);
  if (ids.length > 1) throw new UsageError(`${flag}: ${ids.length} API keys are named '${value}' (${ids.join(', ')}); give the id`);
  return ids[0] ?? value;
}

/** Who acted, for the audit trail's actor filter: a person's email, an API key's name, or an id as it is. */
export async function actorIdNamed(api: AdminClient, value: string, flag: string): Promise<string> {
  if (value.includes('@')) return ((await api.call('GET', `/api/admin/users/${encodeURIComponent(value)}`)) as Named).id;
  if (/^(key|user|sa)_/.test(value)) return value;
  return keyIdNamed(api, value, flag);
}
