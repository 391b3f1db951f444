import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import type { ServerConfig } from '../config/server-config.js';
import { createAnthropicMessagesDialect } from '../dialects/anthropic-messages/index.js';
import type { Dialect, DialectDependencies } from '../dialects/dialect.js';
import { createOpenAiChatDialect } from '../dialects/openai-chat/index.js';
import { ChatService } from '../gateway/chat-service.js';
import { Authenticator } from '../governance/authenticator.js';
import { RequestLogWriter } from '../governance/request-log-writer.js';
import type { HttpHandler } from '../http/dispatcher.js';
import { createHttpApp } from '../http/http-app.js';
import { sendJson } from '../http/send.js';
import { ApiKeyService } from '../management/api-key-service.js';
import { bootstrap, ensureOrganization, type EnvironmentProvider } from '../management/bootstrap.js';
import { ProviderService } from '../management/provider-service.js';
import type { Clock } from '../platform/clock.js';
import { HopMarker } from '../platform/hop-marker.js';
import { SelfAddress } from '../platform/self-address.js';
import { newId } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import { ProviderFactory } from '../providers/provider-factory.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { CircuitBreakers, DEFAULT_BREAKER_OPTIONS } from '../routing/circuit-breaker.js';
import { DEFAULT_QUEUE_OPTIONS, DispatchQueue } from '../routing/dispatch-queue.js';
import { RouteService } from '../management/route-service.js';
import { WorkerKeyService } from '../management/worker-key-service.js';
import { DEFAULT_HUB_OPTIONS, WorkerHub } from '../workers/hub/worker-hub.js';
import { RouteCatalog } from '../routing/route-catalog.js';
import { RoutePlanner } from '../routing/route-planner.js';
import { loadMasterKey } from '../secrets/master-key.js';
import { SecretBox } from '../secrets/secret-box.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

export interface RunningServer {
  server: Server;
  port: number;
  /** The owner key generated on first start (printed once by the caller), if one was. */
  generatedOwnerKey: string | undefined;
  /** Every HTTP route the server answers (method and path pattern). */
  routes(): Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

/**
 * The composition root: builds every concrete object once, wires them, and starts listening.
 * Nothing below this reads the environment or creates its own collaborators.
 */
export async function startServer(config: ServerConfig, clock: Clock, logger: Logger): Promise<RunningServer> {
  const store = await openSqliteStore(join(config.dataDir, 'auxot.db'));
  warnWhenReadableByOthers(config.dataDir, logger);
  const secrets = new SecretBox(loadMasterKey(config.masterKey, join(config.dataDir, 'master.key')));
  const organization = await ensureOrganization(store, clock, newId);
  const hop = new HopMarker(organization.orgId);

  // Listening comes first, so the server knows its own address (a provider pointing here would
  // loop); until everything is wired, requests are answered 503.
  let handler: HttpHandler | undefined;
  let activeRequests = 0;
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 300_000 }, (request, response) => {
    activeRequests++;
    response.once('close', () => activeRequests--);
    if (handler === undefined) sendJson(response, 503, { error: { type: 'overloaded', message: 'Auxot is starting' } }, { 'retry-after': '1' });
    else handler(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const self = new SelfAddress(port, config.host);

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
  const queue = new DispatchQueue({
    ...DEFAULT_QUEUE_OPTIONS,
    maxWaitMs: config.queueMaxWaitMs,
    maxWaitingPerProvider: config.queueMaxWaiting,
    maxWaitingTotal: config.queueMaxWaitingTotal,
  });
  const breakers = new CircuitBreakers(clock, {
    ...DEFAULT_BREAKER_OPTIONS,
    failureThreshold: config.breakerFailureThreshold,
    cooldownMs: config.breakerCooldownMs,
  });
  const hub = new WorkerHub(
    { workerKeys: store.workerKeys, capacitySignal: queue, clock, logger, newId, hop },
    {
      ...DEFAULT_HUB_OPTIONS,
      heartbeatIntervalMs: config.workerHeartbeatMs,
      heartbeatTimeoutMs: config.workerHeartbeatMs * 3,
      helloTimeoutMs: Math.max(1_000, config.workerHeartbeatMs * 2),
      ackTimeoutMs: config.workerAckTimeoutMs,
    },
  );
  const limits = { maxEventBytes: config.maxEventBytes, maxAnswerBytes: config.maxAnswerBytes };
  const factory = new ProviderFactory({
    dialects,
    dispatcher,
    limits,
    hop,
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
    waitingFor: (id) => queue.waitingFor(id),
    self,
  });
  const routes = new RouteCatalog();
  const authenticator = new Authenticator(store.apiKeys, clock);
  const requestLog = new RequestLogWriter(store.requestLog, {
    onError: (error) => logger.error('request log write failed; will retry', { error: String(error) }),
  });

  const { orgId } = organization;
  if (!organization.firstStart) await providerService.loadAll(orgId);
  const started = await bootstrap(store, providerService, organization, { adminKey: config.adminKey, environmentProviders: environmentProviders(config) }, clock, newId);
  routes.replaceAll(await store.routes.list(orgId));
  for (const name of started.addedProviders) logger.info('added provider from the environment', { provider: name });
  for (const skipped of started.skippedProviders) logger.warn(skipped.reason, { provider: skipped.name });

  const planner = new RoutePlanner(registry, routes);
  const chatService = new ChatService({ planner, requestLog, clock, queue, breakers, logger, limits });
  const apiKeys = new ApiKeyService({ repository: store.apiKeys, authenticator, clock, newId });
  const routeService = new RouteService({ repository: store.routes, catalog: routes, providers: providerService, clock, newId });
  const workerKeys = new WorkerKeyService({ repository: store.workerKeys, providers: providerService, clock, newId, onRevoked: (keyId) => hub.disconnectKey(keyId) });
  const app = createHttpApp({
    surfaces: {
      orgId,
      authenticator,
      chatService,
      requestLog,
      providers: registry,
      routes,
      clock,
      logger,
      hop,
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
    logger,
  });
  hub.attach(server);
  handler = app;

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

  return { server, port, generatedOwnerKey: started.generatedOwnerKey, routes: () => app.router.routes(), close };
}

function environmentProviders(config: ServerConfig): EnvironmentProvider[] {
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

/** The data directory holds the master key and the store; others on the machine should not read it. */
function warnWhenReadableByOthers(dataDir: string, logger: Logger): void {
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn('the data directory is readable by other users; its files are owner-only, but restrict it too', {
      dataDir,
      mode: mode.toString(8),
      fix: `chmod 700 ${dataDir}`,
    });
  }
}
