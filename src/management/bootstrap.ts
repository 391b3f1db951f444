import { CALLER_KEY_PREFIX, displayPrefixOf, generateKeySecret, hashKeySecret } from '../governance/api-key-secret.js';
import type { Clock } from '../platform/clock.js';
import type { UserRecord } from '../store/governance-records.js';
import type { Store } from '../store/store.js';
import type { ProviderService } from './provider-service.js';

export interface EnvironmentProvider {
  name: string;
  kind: 'openai' | 'anthropic';
  apiKey: string;
  baseUrl?: string;
  /** Where the base URL came from, for messages (OPENAI_BASE_URL, ANTHROPIC_BASE_URL). */
  baseUrlVariable: string;
}

export interface BootstrapOptions {
  /** AUXOT_ADMIN_KEY: becomes an owner key, so automation knows the key in advance. */
  adminKey: string | undefined;
  /** Cloud providers found in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY), added on first start. */
  environmentProviders: EnvironmentProvider[];
}

export interface BootstrapResult {
  /** Set when a key was generated: the only time it can be shown. */
  generatedOwnerKey: string | undefined;
  addedProviders: string[];
  /** Providers the environment named that were not added, and why (e.g. they point at this server). */
  skippedProviders: Array<{ name: string; reason: string }>;
}

/** The deployment's organization: found, or created on first start. */
export async function ensureOrganization(store: Store, clock: Clock, newId: (prefix: string) => string): Promise<{ orgId: string; firstStart: boolean }> {
  const existing = await store.organizations.first();
  if (existing !== undefined) return { orgId: existing.id, firstStart: false };
  const orgId = newId('org_');
  await store.organizations.insert({ id: orgId, name: 'Default organization', createdAt: clock.now(), settings: {} });
  return { orgId, firstStart: true };
}

/** The person the bootstrap owner keys belong to: the first owner, created when there is none. */
async function ensureOwner(store: Store, orgId: string, clock: Clock, newId: (prefix: string) => string): Promise<UserRecord> {
  const existing = (await store.users.list(orgId)).find((user) => user.role === 'owner' && user.disabledAt === null);
  if (existing !== undefined) return existing;
  const now = clock.now();
  const owner: UserRecord = { id: newId('user_'), orgId, name: 'Owner', email: 'owner@localhost', role: 'owner', createdAt: now, updatedAt: now, disabledAt: null };
  await store.users.insert(owner);
  return owner;
}

/**
 * First start creates the organization's owner key and the providers the environment names.
 * Later starts only make sure AUXOT_ADMIN_KEY (if set) is a valid owner key.
 */
export async function bootstrap(
  store: Store,
  providers: ProviderService,
  organization: { orgId: string; firstStart: boolean },
  options: BootstrapOptions,
  clock: Clock,
  newId: (prefix: string) => string,
): Promise<BootstrapResult> {
  const { orgId, firstStart } = organization;
  let generatedOwnerKey: string | undefined;
  const ownerKey = options.adminKey ?? (firstStart ? (generatedOwnerKey = generateKeySecret(CALLER_KEY_PREFIX)) : undefined);
  if (ownerKey !== undefined && (await store.apiKeys.findByHash(hashKeySecret(ownerKey))) === undefined) {
    const owner = await ensureOwner(store, orgId, clock, newId);
    await store.apiKeys.insert({
      id: newId('key_'),
      orgId,
      name: options.adminKey === undefined ? 'owner' : 'owner (AUXOT_ADMIN_KEY)',
      displayPrefix: displayPrefixOf(ownerKey),
      hash: hashKeySecret(ownerKey),
      role: 'owner',
      serviceClass: 'interactive',
      createdAt: clock.now(),
      expiresAt: null,
      revokedAt: null,
      userId: owner.id,
      serviceAccountId: null,
      teamId: null,
      policy: null,
      lastUsedAt: null,
      bootstrap: true,
    });
  }

  const addedProviders: string[] = [];
  const skippedProviders: BootstrapResult['skippedProviders'] = [];
  if (firstStart) {
    for (const provider of options.environmentProviders) {
      if (provider.baseUrl !== undefined && (await providers.pointsAtThisServer(provider.baseUrl))) {
        // The shell that starts Auxot often also points Claude Code or an SDK at Auxot itself.
        skippedProviders.push({
          name: provider.name,
          reason: `${provider.baseUrlVariable} (${provider.baseUrl}) points at this Auxot server, so it was not added as the '${provider.name}' provider (requests would loop); unset it where \`auxot serve\` runs, or point it at the vendor's API`,
        });
        continue;
      }
      await providers.create(orgId, {
        name: provider.name,
        kind: provider.kind,
        apiKey: provider.apiKey,
        ...(provider.baseUrl === undefined ? {} : { baseUrl: provider.baseUrl }),
      });
      addedProviders.push(provider.name);
    }
  }
  return { generatedOwnerKey, addedProviders, skippedProviders };
}
