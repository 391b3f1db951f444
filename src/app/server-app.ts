import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { Agent } from 'undici';
import type { ServerConfig } from '../config/server-config.js';
import { createAnthropicMessagesDialect } from '../dialects/anthropic-messages/index.js';
import type { Dialect, DialectDependencies } from '../dialects/dialect.js';
import { createOpenAiChatDialect } from '../dialects/openai-chat/index.js';
import { ChatService } from '../gateway/chat-service.js';
import { Authenticator } from '../governance/authenticator.js';
import { RequestLogWriter } from '../governance/request-log-writer.js';
import { createHttpApp } from '../http/http-app.js';
import { ApiKeyService } from '../management/api-key-service.js';
import { bootstrap, type EnvironmentProvider } from '../management/bootstrap.js';
import { ProviderService } from '../management/provider-service.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import { ProviderFactory, sealOwner } from '../providers/provider-factory.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { discoverModels } from '../providers/http/model-discovery.js';
import { CircuitBreakers, DEFAULT_BREAKER_OPTIONS } from '../routing/circuit-breaker.js';
import { DEFAULT_QUEUE_OPTIONS, DispatchQueue } from '../routing/dispatch-queue.js';
import { RouteService } from '../management/route-service.js';
import { WorkerKeyService } from '../management/worker-key-service.js';
import { DEFAULT_HUB_OPTIONS, WorkerHub } from '../workers/hub/worker-hub.js';
import { RouteCatalog } from '../routing/route-catalog.js';
import { AUTO_ROUTE, RoutePlanner } from '../routing/route-planner.js';
import { loadMasterKey } from '../secrets/master-key.js';
import { SecretBox } from '../secrets/secret-box.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { dataDirectoryError, listenError, masterKeyError } from './startup-error.js';

export interface RunningServer {
  server: Server;
  port: number;
  /** The owner key generated on first start (printed once by the caller), if one was. */
  generatedOwnerKey: string | undefined;
  /** What the server found configured at start, for the start-up report. */
  startup: StartupSummary;
  /** Requests waiting for capacity right now. */
  queuedRequests(): number;
  close(): Promise<void>;
}

export interface StartupSummary {
  storePath: string;
  providers: Array<{ name: string; kind: string; tier: string; models: number }>;
  /** Worker keys that are not revoked: the workers that may connect. */
  workerKeys: number;
  /** Candidates the `auto` route would try now (before capacity and health). */
  autoCandidates: number;
}

/**
 * The composition root: builds every concrete object once, wires them, and starts listening.
 * Nothing below this reads the environment or creates its own collaborators.
 */
export async function startServer(config: ServerConfig, clock: Clock, logger: Logger): Promise<RunningServer> {
  const storePath = resolvePath(config.dataDir, 'auxot.db');
  const store = await openSqliteStore(storePath).catch((error: unknown) => {
    throw dataDirectoryError(config, error) ?? error;
  });
  let masterKey: Buffer;
  try {
    masterKey = loadMasterKey(config.masterKey, join(config.dataDir, 'master.key'));
  } catch (error) {
    await store.close();
    throw dataDirectoryError(config, error) ?? masterKeyError(config, 'malformed', error);
  }
  const secrets = new SecretBox(masterKey);
  const dialectDependencies: DialectDependencies = { nowSeconds: () => Math.floor(clock.now() / 1000), newId };
  const openai = createOpenAiChatDialect(dialectDependencies);
  const anthropic = createAnthropicMessagesDialect(dialectDependencies);
  const dialects = new Map<string, Dialect>([
    [openai.id, openai],
    [anthropic.id, anthropic],
  ]);
  // One pool per upstream origin; pipelining stays off because LLM streams are long-lived.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });

  const registry = new ProviderRegistry();
  const queue = new DispatchQueue({ ...DEFAULT_QUEUE_OPTIONS, maxWaitMs: config.queueMaxWaitMs, maxWaiting: config.queueMaxWaiting });
  const breakers = new CircuitBreakers(clock, {
    ...DEFAULT_BREAKER_OPTIONS,
    failureThreshold: config.breakerFailureThreshold,
    cooldownMs: config.breakerCooldownMs,
  });
  const hub = new WorkerHub(
    { workerKeys: store.workerKeys, capacitySignal: queue, clock, logger: logger.child({ component: 'worker-hub' }), newId },
    {
      ...DEFAULT_HUB_OPTIONS,
      heartbeatIntervalMs: config.workerHeartbeatMs,
      heartbeatTimeoutMs: config.workerHeartbeatMs * 3,
      helloTimeoutMs: Math.max(1_000, config.workerHeartbeatMs * 2),
    },
  );
  const factory = new ProviderFactory({
    dialects,
    dispatcher,
    clock,
    secrets,
    capacitySignal: queue,
    workerProvider: (record) => hub.poolFor(record),
  });
  const providerService = new ProviderService({
    repository: store.providers,
    registry,
    factory,
    secrets,
    clock,
    newId,
    discoverModels: (input) => discoverModels(input, dispatcher),
    logger,
  });
  const routes = new RouteCatalog();
  const authenticator = new Authenticator(store.apiKeys, clock);
  const requestLog = new RequestLogWriter(store.requestLog, {
    onError: (error) => logger.error('request log write failed; will retry', { error: String(error) }),
  });

  if (!(await opensStoredSecrets(store, secrets))) {
    await store.close();
    throw masterKeyError(config, 'wrong', undefined);
  }
  const started = await bootstrap(store, providerService, { adminKey: config.adminKey, environmentProviders: environmentProviders(config) }, clock, newId);
  if (!started.firstStart) await providerService.loadAll(started.orgId);
  routes.replaceAll(await store.routes.list(started.orgId));
  for (const name of started.addedProviders) logger.info('added provider from the environment', { provider: name });

  const planner = new RoutePlanner(registry, routes);
  const startup: StartupSummary = {
    storePath,
    providers: registry.list().map((provider) => ({ name: provider.name, kind: provider.kind, tier: provider.tier, models: provider.listModels().length })),
    workerKeys: (await store.workerKeys.list()).filter((key) => key.revokedAt === null && registry.get(key.providerId) !== undefined).length,
    autoCandidates: planner.preview(AUTO_ROUTE).length,
  };
  const chatService = new ChatService({ planner, requestLog, clock, queue, breakers });
  const apiKeys = new ApiKeyService({ repository: store.apiKeys, authenticator, clock, newId });
  const routeService = new RouteService({ repository: store.routes, catalog: routes, providers: providerService, clock, newId });
  const workerKeys = new WorkerKeyService({ repository: store.workerKeys, providers: providerService, clock, newId });
  const handler = createHttpApp({
    surfaces: {
      orgId: started.orgId,
      authenticator,
      chatService,
      requestLog,
      providers: registry,
      routes,
      clock,
      maxBodyBytes: config.maxBodyBytes,
      newId,
    },
    planner,
    openai,
    anthropic,
    admin: {
      authenticator,
      providers: providerService,
      apiKeys,
      routes: routeService,
      workerKeys,
      connectedWorkers: () => hub.connectedWorkers(),
      requestLog: store.requestLog,
      flushRequestLog: () => requestLog.flush(),
    },
    workerIdentity: (key) => hub.identify(key),
  });

  let activeRequests = 0;
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 300_000 }, (request, response) => {
    activeRequests++;
    response.once('close', () => activeRequests--);
    handler(request, response);
  });
  hub.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await hub.close();
    await requestLog.close();
    await dispatcher.close();
    await store.close();
    throw listenError(config, error) ?? error;
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests in flight may finish for up to 10 s; streams still open then are cut, and so are
      // connections that never sent a request (server.close alone would wait for them).
      const deadline = clock.monotonic() + 10_000;
      while (activeRequests > 0 && clock.monotonic() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeAllConnections();
      await closed;
      await hub.close();
      await requestLog.close();
      for (const provider of registry.list()) await provider.close();
      await dispatcher.close();
      await store.close();
    })());

  return { server, port, generatedOwnerKey: started.generatedOwnerKey, startup, queuedRequests: () => queue.size, close };
}

/** False when the master key does not open a secret already in the store (the wrong key for this data). */
async function opensStoredSecrets(store: Store, secrets: SecretBox): Promise<boolean> {
  const organization = await store.organizations.first();
  if (organization === undefined) return true;
  const sealed = (await store.providers.list(organization.id)).find((record) => record.sealedApiKey !== null);
  if (sealed?.sealedApiKey == null) return true;
  try {
    secrets.open(sealed.sealedApiKey, sealOwner(sealed.id));
    return true;
  } catch {
    return false;
  }
}

function environmentProviders(config: ServerConfig): EnvironmentProvider[] {
  const providers: EnvironmentProvider[] = [];
  if (config.openai !== undefined) {
    providers.push({ name: 'openai', kind: 'openai', apiKey: config.openai.apiKey, ...(config.openai.baseUrl === undefined ? {} : { baseUrl: config.openai.baseUrl }) });
  }
  if (config.anthropic !== undefined) {
    providers.push({
      name: 'anthropic',
      kind: 'anthropic',
      apiKey: config.anthropic.apiKey,
      ...(config.anthropic.baseUrl === undefined ? {} : { baseUrl: config.anthropic.baseUrl }),
    });
  }
  return providers;
}
