import { CALLER_KEY_PREFIX, displayPrefixOf, generateKeySecret, hashKeySecret } from '../governance/api-key-secret.js';
import type { Clock } from '../platform/clock.js';
import type { Store } from '../store/store.js';
import type { ProviderService } from './provider-service.js';

export interface EnvironmentProvider {
  name: string;
  kind: 'openai' | 'anthropic';
  apiKey: string;
  baseUrl?: string;
}

export interface BootstrapOptions {
  /** AUXOT_ADMIN_KEY: becomes an owner key, so automation knows the key in advance. */
  adminKey: string | undefined;
  /** Cloud providers found in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY), added on first start. */
  environmentProviders: EnvironmentProvider[];
}

export interface BootstrapResult {
  orgId: string;
  firstStart: boolean;
  /** Set when a key was generated: the only time it can be shown. */
  generatedOwnerKey: string | undefined;
  addedProviders: string[];
}

/**
 * First start creates the organization, its owner key and the providers the environment names.
 * Later starts only make sure AUXOT_ADMIN_KEY (if set) is a valid owner key.
 */
export async function bootstrap(
  store: Store,
  providers: ProviderService,
  options: BootstrapOptions,
  clock: Clock,
  newId: (prefix: string) => string,
): Promise<BootstrapResult> {
  const existing = await store.organizations.first();
  const orgId = existing?.id ?? newId('org_');
  if (existing === undefined) await store.organizations.insert({ id: orgId, name: 'Default organization', createdAt: clock.now() });
  const firstStart = existing === undefined;

  let generatedOwnerKey: string | undefined;
  const ownerKey = options.adminKey ?? (firstStart ? (generatedOwnerKey = generateKeySecret(CALLER_KEY_PREFIX)) : undefined);
  if (ownerKey !== undefined && (await store.apiKeys.findByHash(hashKeySecret(ownerKey))) === undefined) {
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
    });
  }

  const addedProviders: string[] = [];
  if (firstStart) {
    for (const provider of options.environmentProviders) {
      await providers.create(orgId, {
        name: provider.name,
        kind: provider.kind,
        apiKey: provider.apiKey,
        ...(provider.baseUrl === undefined ? {} : { baseUrl: provider.baseUrl }),
      });
      addedProviders.push(provider.name);
    }
  }
  return { orgId, firstStart, generatedOwnerKey, addedProviders };
}
