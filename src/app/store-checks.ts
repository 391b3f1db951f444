import { statSync } from 'node:fs';
import type { Logger } from '../platform/logger.js';
import { sealOwner } from '../providers/provider-factory.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { secretOwner } from '../secrets/secret-vault.js';
import type { Store } from '../store/store.js';

/** False when the master key does not open a secret already in the store (the wrong key for this data). */
export async function opensStoredSecrets(store: Store, secrets: SecretBox): Promise<boolean> {
  const organization = await store.organizations.first();
  if (organization === undefined) return true;
  const provider = (await store.providers.list(organization.id)).find((record) => record.sealedApiKey !== null);
  const secret = (await store.secrets.list(organization.id))[0];
  const sealed =
    provider?.sealedApiKey != null ? { value: provider.sealedApiKey, owner: sealOwner(provider.id) } : secret === undefined ? undefined : { value: secret.sealedValue, owner: secretOwner(secret.id) };
  if (sealed === undefined) return true;
  try {
    secrets.open(sealed.value, sealed.owner);
    return true;
  } catch {
    return false;
  }
}

/** The data directory holds the master key and the store; others on the machine should not read it. */
export function warnWhenReadableByOthers(dataDir: string, logger: Logger): void {
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn('the data directory is readable by other users; its files are owner-only, but restrict it too', {
      dataDir,
      mode: mode.toString(8),
      fix: `chmod 700 ${dataDir}`,
    });
  }
}
