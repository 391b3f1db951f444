import { AdminConversations } from '../admin-agent/admin-conversations.js';
import { ensureAdminAgent } from '../admin-agent/ensure-admin-agent.js';
import type { Server } from 'node:http';
import { join, resolve as resolvePath } from 'node:path';
import { Agent } from 'undici';
import type { ServerConfig } from '../config/server-config.js';
import { createAnthropicMessagesDialect } from '../dialects/anthropic-messages/index.js';
import type { Dialect, DialectDependencies } from '../dialects/dialect.js';
import { createOpenAiChatDialect } from '../dialects/openai-chat/index.js';
import { createOpenAiResponsesDialect } from '../dialects/openai-responses/index.js';
import { DEFAULT_RESPONSE_RETENTION, StoredResponses } from '../gateway/responses/stored-responses.js';
import { ChatService } from '../gateway/chat-service.js';
import { EmbeddingsService } from '../gateway/embeddings/embeddings-service.js';
import { Authenticator } from '../governance/authenticator.js';
import { RequestLogWriter } from '../governance/request-log-writer.js';
import { createHttpApp } from '../http/http-app.js';
import { bootstrap, ensureOrganization } from '../management/bootstrap.js';
import { ProviderService } from '../management/provider-service.js';
import { RouteService } from '../management/route-service.js';
import { WorkerKeyService } from '../management/worker-key-service.js';
import type { Clock } from '../platform/clock.js';
import { HopMarker } from '../platform/hop-marker.js';
import { newId } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import { SelfAddress } from '../platform/self-address.js';
import { discoverModels } from '../providers/http/model-discovery.js';
import { ProviderFactory } from '../providers/provider-factory.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { CircuitBreakers, DEFAULT_BREAKER_OPTIONS } from '../routing/circuit-breaker.js';
import { DEFAULT_QUEUE_OPTIONS, DispatchQueue } from '../routing/dispatch-queue.js';
import { RouteCatalog } from '../routing/route-catalog.js';
import { AUTO_ROUTE, RoutePlanner } from '../routing/route-planner.js';
import { loadMasterKey } from '../secrets/master-key.js';
import { SecretBox } from '../secrets/secret-box.js';
import { AgentRuntime } from '../agents/agent-runtime.js';
import { DetachedRuns } from '../agents/detached-runs.js';
import { LoadSkillSource } from '../agents/load-skill-source.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { DEFAULT_HUB_OPTIONS, WorkerHub } from '../workers/hub/worker-hub.js';
import { RetentionJob } from '../governance/retention.js';
import type { AnyOperation } from '../management/operation.js';
import { environmentProviders } from './environment-providers.js';
import { wireGovernance } from './governance-wiring.js';
import { wireTools } from './tool-wiring.js';
import { wireGoLive } from './go-live-wiring.js';
import type { McpToolSource } from '../agents/mcp-tool-source.js';
import type { McpConnectionPool } from '../agents/mcp/connection-pool.js';
import type { ToolSource } from '../agents/tool-source.js';
import { HttpListener } from './http-listener.js';
import { createObservability, createTracer } from './observability.js';
import { dataDirectoryError, listenError, masterKeyError } from './startup-error.js';
import { opensStoredSecrets, warnWhenReadableByOthers } from './store-checks.js';

export interface RunningServer {
  server: Server;
  port: number;
  /** The owner key generated on first start (printed once by the caller), if one was. */
  generatedOwnerKey: string | undefined;
  /** What the server found configured at start, for the start-up report. */
  startup: StartupSummary;
  /** Requests waiting for capacity right now. */
  queuedRequests(): number;
  /** Every HTTP route the server answers (method and path pattern). */
  routes(): Array<{ method: string; path: string }>;
  /** The management operations (what the admin API and, later, the Admin Agent run). */
  operations: readonly AnyOperation[];
  /** What the agent runtime calls tools through: the MCP tool source and its connection pool. */
  agentTools: { sources: readonly ToolSource[]; mcp: McpToolSource; pool: McpConnectionPool };
  /** Who a key belongs to (as every surface authenticates it). */
  authenticator: Authenticator;
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
  if (!(await opensStoredSecrets(store, secrets))) {
    await store.close();
    throw masterKeyError(config, 'wrong', undefined);
  }
  warnWhenReadableByOthers(config.dataDir, logger);
  const organization = await ensureOrganization(store, clock, newId);
  const { orgId } = organization;
  const hop = new HopMarker(orgId);

  // Listening comes first, so the server knows its own address (a provider pointing here would
  // loop); until everything is wired, requests are answered 503.
  const listener = new HttpListener();
  await listener.listen(config.port, config.host).catch(async (error: unknown) => {
    await store.close();
    throw listenError(config, error) ?? error;
  });
  const self = new SelfAddress(listener.port, config.host);

  const dialectDependencies: DialectDependencies = { nowSeconds: () => Math.floor(clock.now() / 1000), newId };
  const openai = createOpenAiChatDialect(dialectDependencies);
  const anthropic = createAnthropicMessagesDialect(dialectDependencies);
  const responses = createOpenAiResponsesDialect(dialectDependencies);
  const dialects = new Map<string, Dialect>([
    [openai.id, openai],
    [anthropic.id, anthropic],
    [responses.id, responses],
  ]);
  // One pool per upstream origin; pipelining stays off because LLM streams are long-lived.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });

  const registry = new ProviderRegistry();
  const queue = new DispatchQueue({
    ...DEFAULT_QUEUE_OPTIONS,
    maxWaitMs: config.queueMaxWaitMs,
    maxWaitingPerProvider: config.queueMaxWaiting,
    maxWaitingTotal: config.queueMaxWaitingTotal,
    maxWaitingPerTeam: config.queueMaxWaitingPerTeam,
    batchAgingMs: config.queueBatchAgingMs,
    now: () => clock.monotonic(),
  });
  const breakers = new CircuitBreakers(clock, {
    ...DEFAULT_BREAKER_OPTIONS,
    failureThreshold: config.breakerFailureThreshold,
    cooldownMs: config.breakerCooldownMs,
  });
  const hub = new WorkerHub(
    { workerKeys: store.workerKeys, capacitySignal: queue, clock, logger: logger.child({ component: 'worker-hub' }), newId, hop },
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
    discoverModels: (input) => discoverModels(input, dispatcher),
    logger,
    waitingFor: (id) => queue.waitingFor(id),
    self,
  });
  const routes = new RouteCatalog();
  const authenticator = new Authenticator(store, clock);
  const observability = createObservability({
    logger,
    clock,
    registry,
    routes,
    breakers,
    queue,
    store,
    connectedWorkers: () => hub.connectedWorkers(),
    requestLogStats: () => requestLog.stats(),
    metricsToken: config.metricsToken,
  });
  const tracer = await createTracer(config.tracing, logger);
  const requestLog = new RequestLogWriter(store, {
    onError: (error) => logger.error('request log write failed; will retry', { error: String(error) }),
    observers: observability.requestObservers,
  });

  if (!organization.firstStart) await providerService.loadAll(orgId);
  const started = await bootstrap(store, providerService, organization, { adminKey: config.adminKey, environmentProviders: environmentProviders(config) }, clock, newId);
  routes.replaceAll(await store.routes.list(orgId));
  for (const name of started.addedProviders) logger.info('added provider from the environment', { provider: name });
  for (const skipped of started.skippedProviders) logger.warn(skipped.reason, { provider: skipped.name });

  const planner = new RoutePlanner(registry, routes);
  const startup: StartupSummary = {
    storePath,
    providers: registry.list().map((provider) => ({ name: provider.name, kind: provider.kind, tier: provider.tier, models: provider.listModels().length })),
    workerKeys: (await store.workerKeys.list()).filter((key) => key.revokedAt === null && registry.get(key.providerId) !== undefined).length,
    autoCandidates: planner.preview(AUTO_ROUTE).length,
  };
  const routeService = new RouteService({ repository: store.routes, catalog: routes, providers: providerService, clock, newId });
  const workerKeys = new WorkerKeyService({ repository: store.workerKeys, providers: providerService, clock, newId, onRevoked: (keyId) => hub.disconnectKey(keyId) });
  const governance = await wireGovernance({
    store,
    orgId,
    authenticator,
    clock,
    logger,
    newId,
    providers: providerService,
    routes: routeService,
    workerKeys,
    connectedWorkers: () => hub.connectedWorkers(),
    flushRequests: () => requestLog.flush(),
  });
  const { admissions } = governance;
  const tools = wireTools({ context: governance.context, box: secrets, clock, logger, dataDir: resolvePath(config.dataDir), childPath: config.childPath, version: config.version ?? 'dev' });
  const goLive = wireGoLive({
    store,
    clock,
    secrets,
    dispatcher,
    pool: tools.pool,
    connectedWorkers: () => hub.connectedWorkers(),
    circuitState: (providerId) => breakers.state(providerId),
    autoCascade: () => planner.preview(AUTO_ROUTE).map((candidate) => ({ provider: candidate.provider.name, model: candidate.model })),
    publicUrl: config.publicUrl,
    listen: { host: config.host, port: listener.port },
  });
  const operations = [...governance.operations, ...tools.operations, ...goLive];
  const chatService = new ChatService({ planner, admissions, requestLog, clock, queue, breakers, logger, limits, observer: observability.execution });
  const agents = new AgentRuntime({ chatService, dialect: openai, clock, agents: store.agentStore, toolSources: [new LoadSkillSource(store.agentStore.skills), ...tools.toolSources], newId, logger });
  await ensureAdminAgent(store, orgId, clock, newId);
  const adminAgent = new AdminConversations({ store, runtime: agents, dialect: openai, operations, box: secrets, clock, newId });
  const detachedRuns = new DetachedRuns();
  const storedResponses = new StoredResponses(store.responses, clock, DEFAULT_RESPONSE_RETENTION, {
    onError: (error) => logger.error('storing a response failed', { error: String(error) }),
  });
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
      tracer,
      hop,
      maxBodyBytes: config.maxBodyBytes,
      newId,
      agents,
    },
    planner,
    openai,
    anthropic,
    responses,
    storedResponses,
    embeddings: new EmbeddingsService({ planner, admissions, breakers, queue, requestLog, clock }),
    admin: { authenticator, operations, audit: governance.audit, version: config.version ?? 'dev' },
    operations: observability.operations,
    logger,
    workerIdentity: (key) => hub.identify(key),
    adminAgent,
    agentRuns: { agents: store.agentStore, outboundAllowList: async () => (await store.organizations.first())?.settings.outboundAllowList ?? [], detached: detachedRuns },
  });
  hub.attach(listener.server);
  listener.serve(app);
  const retention = new RetentionJob(store, clock, logger);
  retention.start();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await listener.close(clock);
      // Before anything they use closes: cancelled runs still record how they ended and call back.
      await detachedRuns.cancelAll();
      await hub.close();
      await requestLog.close();
      await authenticator.close();
      await retention.close();
      await tools.close();
      await tracer.close();
      for (const provider of registry.list()) await provider.close();
      await dispatcher.close();
      await store.close();
    })());

  return {
    server: listener.server,
    port: listener.port,
    generatedOwnerKey: started.generatedOwnerKey,
    startup,
    queuedRequests: () => queue.size,
    routes: () => app.router.routes(),
    operations,
    agentTools: { sources: tools.toolSources, mcp: tools.mcp, pool: tools.pool },
    authenticator,
    close,
  };
}
