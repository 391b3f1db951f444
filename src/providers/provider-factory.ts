import type { Dispatcher } from 'undici';
import type { Dialect } from '../dialects/dialect.js';
import type { Clock } from '../platform/clock.js';
import type { HopMarker } from '../platform/hop-marker.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { ProviderRecord } from '../store/records.js';
import type { AnswerLimits } from './answer-limits.js';
import { HttpProvider } from './http/http-provider.js';
import type { CapacitySignal, Provider } from './provider.js';

export interface ProviderFactoryDependencies {
  dialects: ReadonlyMap<string, Dialect>;
  dispatcher: Dispatcher;
  limits: AnswerLimits;
  hop: HopMarker;
  clock: Clock;
  secrets: SecretBox;
  capacitySignal: CapacitySignal;
  /** Builds providers whose workers dial in (GPU and CLI tiers). */
  workerProvider?: (record: ProviderRecord) => Provider;
}

/** Turns a stored provider into a live one, opening its sealed key only here, in memory. */
export class ProviderFactory {
  constructor(private readonly dependencies: ProviderFactoryDependencies) {}

  build(record: ProviderRecord): Provider {
    switch (record.kind) {
      case 'openai':
      case 'anthropic':
      case 'openai-compatible':
        return new HttpProvider(
          {
            id: record.id,
            name: record.name,
            kind: record.kind,
            tier: record.tier,
            baseUrl: record.baseUrl ?? '',
            apiKey: record.sealedApiKey === null ? undefined : this.dependencies.secrets.open(record.sealedApiKey, sealOwner(record.id)),
            models: record.models,
            settings: record.settings,
          },
          this.dependencies,
        );
      case 'gpu-worker':
      case 'cli-worker': {
        const build = this.dependencies.workerProvider;
        if (build === undefined) throw new Error(`worker providers are not available in this process (${record.name})`);
        return build(record);
      }
    }
  }
}

/** The additional data a provider's sealed key is bound to. */
export function sealOwner(providerId: string): string {
  return `provider:${providerId}`;
}
