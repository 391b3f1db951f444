import { networkInterfaces } from 'node:os';
import type { RunningServer } from '../../app/server-app.js';
import type { ServerConfig } from '../../config/server-config.js';
import type { Logger } from '../../platform/logger.js';

/**
 * What an operator needs to see when the gateway comes up: where each surface is reachable, the
 * store in use, what is configured, and, when `auto` cannot be served yet, the command that fixes it.
 */
export function reportStartup(logger: Logger, config: ServerConfig, running: RunningServer, version: string): void {
  const bases = reachableBases(config.host, running.port);
  const { startup } = running;
  logger.info('auxot started', { version, node: process.version, pid: process.pid });
  logger.info('OpenAI-compatible API', { urls: bases.map((base) => `${base}/api/openai/v1`) });
  logger.info('Anthropic API', { urls: bases.map((base) => `${base}/api/anthropic`) });
  logger.info('admin API', { urls: bases.map((base) => `${base}/api/admin`) });
  logger.info('worker endpoint', { urls: bases.map((base) => `${base.replace(/^http/, 'ws')}/ws`) });
  logger.info('store', { engine: 'sqlite', path: startup.storePath });
  const workerPools = startup.providers.filter((provider) => provider.tier !== 'cloud');
  logger.info('providers configured', {
    count: startup.providers.length,
    names: startup.providers.map((provider) => provider.name),
    workerProviders: workerPools.length,
    workerKeys: startup.workerKeys,
  });
  if (startup.autoCandidates === 0) {
    logger.warn('nothing can serve model "auto" yet: add a provider', {
      fix: 'auxot providers add openai --kind openai --api-key-env OPENAI_API_KEY',
      or: 'set OPENAI_API_KEY or ANTHROPIC_API_KEY before the first start',
    });
  } else if (startup.providers.every((provider) => provider.tier !== 'cloud') && startup.workerKeys === 0) {
    logger.warn('only worker providers are configured and no worker key exists yet', { fix: 'auxot workers add-key <name> --provider <provider>' });
  }
  logger.info('auxot listening', { url: `http://${formatHost(config.host)}:${running.port}` });
}

/** Base URLs a client can use: every local IPv4 address when listening on all of them. */
function reachableBases(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${formatHost(host)}:${port}`];
  const addresses = ['127.0.0.1'];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) addresses.push(entry.address);
  }
  return addresses.map((address) => `http://${address}:${port}`);
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
