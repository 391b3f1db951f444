import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayError } from '../../canonical/gateway-error.js';
import type { RequestLogWriterStats } from '../../governance/request-log-writer.js';
import type { ServiceClass } from '../../governance/principal.js';
import type { CircuitChange, CircuitState } from '../../routing/circuit-breaker.js';
import { CIRCUIT_STATES } from '../../routing/circuit-breaker.js';
import type { QueueWaitOutcome } from '../../routing/execute-with-fallback.js';
import type { RequestLogRecord } from '../../store/records.js';
import type { MetricLabels } from './metric-labels.js';
import { CounterFamily, HistogramFamily, type CounterSeries, type HistogramSeries } from './series-families.js';

/** What gauges read when scraped: nothing on the request path keeps them up to date. */
export interface MetricSources {
  queueWaiting(serviceClass: ServiceClass): number;
  providers(): ReadonlyArray<{ id: string; name: string; inFlight: number }>;
  circuitState(providerId: string): CircuitState;
  workers(): ReadonlyArray<{ provider: string; slots: number; busy: number; suspect: boolean }>;
  requestLog(): RequestLogWriterStats;
  /** Log lines the stderr writer dropped because its reader fell too far behind. */
  logLinesDropped(): number;
}

const SERVICE_CLASSES: readonly ServiceClass[] = ['interactive', 'batch'];

/** Seconds. LLM answers run from tens of milliseconds (a cached short answer) to minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const FIRST_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const QUEUE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const TOKEN_KINDS = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cache_read', 'cacheReadTokens'],
  ['cache_write', 'cacheWriteTokens'],
  ['reasoning', 'reasoningTokens'],
] as const;

/** Node's own metrics (CPU, memory, event loop, GC) describe the process, so one set serves every server in it. */
let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The gateway's Prometheus metrics. Counters and histograms are updated once per request record,
 * attempt failure, queue wait and circuit change; gauges are read from their sources at scrape.
 * Label values are bounded (see MetricLabels): no caller-chosen text becomes a label.
 */
export class GatewayMetrics {
  private readonly registry = new Registry();
  // The once-per-request metrics (series-families.ts says why they are not prom-client's).
  private readonly requests = new CounterFamily(
    'auxot_requests_total',
    'Chat requests answered, by surface, route, provider, upstream model, tier and HTTP status (499: the caller hung up)',
    ['surface', 'route', 'provider', 'model', 'tier', 'status'],
  );
  private readonly duration = new HistogramFamily(
    'auxot_request_duration_seconds',
    'Time from a request arriving to its answer ending',
    ['surface', 'route', 'provider', 'tier'],
    DURATION_BUCKETS,
  );
  private readonly firstToken = new HistogramFamily(
    'auxot_time_to_first_token_seconds',
    'Time from a request arriving to the first content (text, reasoning or a tool call) of its answer',
    ['surface', 'route', 'provider', 'tier'],
    FIRST_TOKEN_BUCKETS,
  );
  private readonly tokens = new CounterFamily(
    'auxot_tokens_total',
    'Tokens the upstreams reported, by kind (input, output, cache_read, cache_write, reasoning)',
    ['provider', 'model', 'kind'],
  );
  private readonly cost = new CounterFamily('auxot_cost_usd_total', 'Cost the upstreams reported (Claude Code workers report theirs), in US dollars', [
    'provider',
    'model',
  ]);
  /** Each label set's series, found once: a request then costs one map lookup and a few additions. */
  private readonly requestSeries = new Map<string, RequestSeries>();
  private readonly upstreamFailures: Counter<'provider' | 'reason'>;
  private readonly queueWait: Histogram<'service_class' | 'outcome'>;
  private readonly circuitTransitions: Counter<'provider' | 'to'>;

  constructor(
    private readonly labels: MetricLabels,
    sources: MetricSources,
  ) {
    const registers = [this.registry];
    this.upstreamFailures = new Counter({
      name: 'auxot_upstream_failures_total',
      help: 'Provider attempts that failed before answering, by reason (the error code; failover follows when another candidate is left)',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'auxot_queue_wait_seconds',
      help: 'Time requests waited for capacity, by service class and how the wait ended (served, refused, cancelled)',
      labelNames: ['service_class', 'outcome'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.circuitTransitions = new Counter({
      name: 'auxot_circuit_transitions_total',
      help: 'Circuit breaker state changes, by provider and the state entered',
      labelNames: ['provider', 'to'],
      registers,
    });
    new Gauge({
      name: 'auxot_queue_waiting',
      help: 'Requests waiting for capacity now, by service class',
      labelNames: ['service_class'],
      registers,
      collect() {
        for (const serviceClass of SERVICE_CLASSES) this.set({ service_class: serviceClass }, sources.queueWaiting(serviceClass));
      },
    });
    new Gauge({
      name: 'auxot_circuit_state',
      help: "Each provider's circuit: 1 for its current state (closed, open, half_open, paused), 0 for the others",
      labelNames: ['provider', 'state'],
      registers,
      collect() {
        this.reset();
        for (const provider of sources.providers()) {
          const current = sources.circuitState(provider.id);
          for (const state of CIRCUIT_STATES) this.set({ provider: provider.name, state: stateLabel(state) }, state === current ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'auxot_provider_in_flight',
      help: 'Calls each provider is serving now',
      labelNames: ['provider'],
      registers,
      collect() {
        this.reset();
        for (const provider of sources.providers()) this.set({ provider: provider.name }, provider.inFlight);
      },
    });
    const workerTotals = (): Map<string, { connected: number; free: number; busy: number }> => {
      const totals = new Map<string, { connected: number; free: number; busy: number }>();
      for (const worker of sources.workers()) {
        const entry = totals.get(worker.provider) ?? { connected: 0, free: 0, busy: 0 };
        entry.connected++;
        entry.busy += worker.busy;
        // A worker that missed a job acknowledgement gets nothing until it speaks: its slots are not free.
        if (!worker.suspect) entry.free += Math.max(0, worker.slots - worker.busy);
        totals.set(worker.provider, entry);
      }
      return totals;
    };
    new Gauge({
      name: 'auxot_workers_connected',
      help: 'Workers connected now, by provider',
      labelNames: ['provider'],
      registers,
      collect() {
        this.reset();
        for (const [provider, totals] of workerTotals()) this.set({ provider }, totals.connected);
      },
    });
    new Gauge({
      name: 'auxot_worker_slots',
      help: "Connected workers' slots, by provider and state (free, busy)",
      labelNames: ['provider', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [provider, totals] of workerTotals()) {
          this.set({ provider, state: 'free' }, totals.free);
          this.set({ provider, state: 'busy' }, totals.busy);
        }
      },
    });
    new Gauge({
      name: 'auxot_request_log_backlog',
      help: 'Request records waiting to be written to the store',
      registers,
      collect() {
        this.set(sources.requestLog().backlog);
      },
    });
    const counterFrom = (name: string, help: string, read: (stats: RequestLogWriterStats) => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(sources.requestLog()));
        },
      });
    };
    counterFrom('auxot_request_log_written_total', 'Request records written to the store', (stats) => stats.written);
    counterFrom(
      'auxot_request_log_write_errors_total',
      'Batches of request records the store refused (they are kept and retried)',
      (stats) => stats.writeErrors,
    );
    counterFrom('auxot_request_log_dropped_total', 'Request records lost because the backlog overflowed while the store was failing', (stats) => stats.dropped);
    new Counter({
      name: 'auxot_log_lines_dropped_total',
      help: 'Log lines dropped because the reader of stderr fell more than 16 MiB behind',
      registers,
      collect() {
        this.reset();
        this.inc(sources.logLinesDropped());
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: the gateway's metrics and Node's process metrics. */
  async render(): Promise<string> {
    const families = [this.requests, this.duration, this.firstToken, this.tokens, this.cost].map((family) => family.render()).join('\n\n');
    return `${families}\n\n${await this.registry.metrics()}${await processMetrics().metrics()}`;
  }

  requestEnded(record: RequestLogRecord): void {
    const { labels } = this;
    const provider = labels.provider(record.providerId);
    const model = labels.model(record.providerModel);
    const route = labels.route(record.route);
    const tier = record.tier ?? NONE_TIER;
    const status = String(record.status);
    const key = `${record.surface}\u0000${route}\u0000${provider}\u0000${model}\u0000${tier}\u0000${status}`;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      series = {
        requests: this.requests.of([record.surface, route, provider, model, tier, status]),
        timing: [record.surface, route, provider, tier],
        providerModel: [provider, model],
        duration: undefined,
        firstToken: undefined,
        tokens: [],
        cost: undefined,
      };
      this.requestSeries.set(key, series);
    }
    series.requests.inc();
    (series.duration ??= this.duration.of(series.timing)).observe(record.totalMs / 1000);
    if (record.firstByteMs !== null) (series.firstToken ??= this.firstToken.of(series.timing)).observe(record.firstByteMs / 1000);
    for (let index = 0; index < TOKEN_KINDS.length; index++) {
      const [kind, field] = TOKEN_KINDS[index] as (typeof TOKEN_KINDS)[number];
      const count = record[field];
      if (count > 0) (series.tokens[index] ??= this.tokens.of([...series.providerModel, kind])).inc(count);
    }
    if (record.costUsd !== null && record.costUsd > 0) (series.cost ??= this.cost.of(series.providerModel)).inc(record.costUsd);
  }

  attemptFailed(providerId: string, error: GatewayError): void {
    this.upstreamFailures.inc({ provider: this.labels.provider(providerId), reason: error.code });
  }

  waited(serviceClass: ServiceClass, ms: number, outcome: QueueWaitOutcome): void {
    this.queueWait.observe({ service_class: serviceClass, outcome }, ms / 1000);
  }

  circuitChanged(change: CircuitChange): void {
    this.circuitTransitions.inc({ provider: this.labels.provider(change.providerId), to: stateLabel(change.to) });
  }
}

const NONE_TIER = 'none';

/** One label set's series of the per-request metrics; the optional ones are made when first observed, as prom-client shows them. */
interface RequestSeries {
  requests: CounterSeries;
  timing: readonly string[];
  providerModel: readonly string[];
  duration: HistogramSeries | undefined;
  firstToken: HistogramSeries | undefined;
  tokens: Array<CounterSeries | undefined>;
  cost: CounterSeries | undefined;
}

/** Prometheus label values conventionally use snake_case. */
function stateLabel(state: CircuitState): string {
  return state === 'half-open' ? 'half_open' : state;
}
