import type { ServerConfig } from '../config/server-config.js';
import type { EnvironmentProvider } from '../management/bootstrap.js';

/** The cloud providers OPENAI_API_KEY and ANTHROPIC_API_KEY (with their base URLs) name, added on first start. */
export function environmentProviders(config: ServerConfig): EnvironmentProvider[] {
  const providers: EnvironmentProvider[] = [];
  if (config.openai !== undefined) {
    providers.push({
      name: 'openai',
      kind: 'openai',
      apiKey: config.openai.apiKey,
      baseUrlVariable: 'OPENAI_BASE_URL',
      ...(config.openai.baseUrl === undefined ? {} : { baseUrl: config.openai.baseUrl }),
    });
  }
  if (config.anthropic !== undefined) {
    providers.push({
      name: 'anthropic',
      kind: 'anthropic',
      apiKey: config.anthropic.apiKey,
      baseUrlVariable: 'ANTHROPIC_BASE_URL',
      ...(config.anthropic.baseUrl === undefined ? {} : { baseUrl: config.anthropic.baseUrl }),
    });
  }
  return providers;
}
