import type { Dispatcher } from 'undici';
import { errorFromUpstreamStatus, GatewayError } from '../../canonical/gateway-error.js';
import type { ChatRequest } from '../../canonical/chat-request.js';
import type { Dialect } from '../../dialects/dialect.js';
import type { Clock } from '../../platform/clock.js';
import type { HopMarker } from '../../platform/hop-marker.js';
import { redactCredentials } from '../../platform/redact-credentials.js';
import type { ModelPrice, ProviderSettings, ProviderTier } from '../../store/records.js';
import type { AnswerLimits } from '../answer-limits.js';
import { ModelMatcher } from '../model-matcher.js';
import type { EmbeddingResult } from '../../canonical/embeddings.js';
import type { CapacityLease, CapacitySignal, EmbeddingCall, Provider, ProviderCall, ProviderCapacity, ProviderResponse } from '../provider.js';
import { embedOverHttp } from './http-embeddings.js';
import { readBoundedBody } from './read-bounded-body.js';
import { sseChunks } from './sse-chunks.js';
import { isAbortError, retryAfterMsFrom, upstreamNetworkError } from './upstream-failure.js';
import { ANTHROPIC_VERSION, normalizeBaseUrl, profileFor, type HttpProviderKind, type UpstreamProfile } from './upstream-profile.js';

export interface HttpProviderConfig {
  id: string;
  name: string;
  kind: HttpProviderKind;
  tier: ProviderTier;
  baseUrl: string;
  apiKey: string | undefined;
  models: string[];
  settings: ProviderSettings;
}

export interface HttpProviderDependencies {
  dialects: ReadonlyMap<string, Dialect>;
  /** Marks every upstream request with this deployment's hop, so a loop back into Auxot is cut. */
  hop: HopMarker;
  limits: AnswerLimits;
  dispatcher: Dispatcher;
  clock: Clock;
  capacitySignal: CapacitySignal;
}

const STREAM_FIRST_BYTE_TIMEOUT_MS = 120_000;
const WHOLE_ANSWER_TIMEOUT_MS = 600_000;
const IDLE_TIMEOUT_MS = 120_000;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/**
 * The largest output budget for which a translated call that does not stream asks its upstream for
 * one body, which costs a fifth less CPU to translate than the stream's events (decision 64). Above
 * it, or with no budget, the upstream streams and Auxot collects the answer: a long generation then
 * keeps bytes moving, so a stall shows within the idle timeout instead of the whole-answer one, and
 * no upstream refuses it (Anthropic refuses non-streaming requests whose budget could take over ten
 * minutes, about 21,333 tokens). 4,096 tokens take 410 s at 10 tokens/s, within the 600 s wait.
 */
export const WHOLE_TRANSLATED_MAX_TOKENS = 4096;

/** A cloud API or any OpenAI-compatible server, reached over HTTP with undici. */
export class HttpProvider implements Provider {
  readonly id: string;
  readonly name: string;
  readonly kind: HttpProviderKind;
  readonly tier: ProviderTier;
  private readonly profile: UpstreamProfile;
  private readonly dialect: Dialect;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly matcher: ModelMatcher;
  private inFlight = 0;
  readonly embed: ((call: EmbeddingCall) => Promise<EmbeddingResult>) | undefined;

  constructor(
    private readonly config: HttpProviderConfig,
    private readonly dependencies: HttpProviderDependencies,
  ) {
    this.id = config.id;
    this.name = config.name;
    this.kind = config.kind;
    this.tier = config.tier;
    this.profile = profileFor(config.kind);
    const dialect = dependencies.dialects.get(this.profile.dialect);
    if (dialect === undefined) throw new Error(`no dialect ${this.profile.dialect}`);
    this.dialect = dialect;
    const url = normalizeBaseUrl(config.kind, config.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname === '/' ? '' : url.pathname;
    this.matcher = new ModelMatcher(config.models);
    const embeddingsPath = this.profile.embeddingsPath;
    this.embed = embeddingsPath === undefined ? undefined : (call) => this.embedAt(embeddingsPath, call);
  }

  serves(model: string): boolean {
    return this.matcher.matches(model);
  }

  listModels(): string[] {
    return this.matcher.concreteNames();
  }

  capacity(): ProviderCapacity {
    const limit = this.config.settings.maxConcurrency;
    const state = limit !== undefined && this.inFlight >= limit ? 'saturated' : 'ready';
    return { state, inFlight: this.inFlight, limit };
  }

  tryAcquire(): CapacityLease | undefined {
    const limit = this.config.settings.maxConcurrency;
    if (limit !== undefined && this.inFlight >= limit) return undefined;
    this.inFlight++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.dependencies.capacitySignal.notify();
      },
    };
  }

  async open(call: ProviderCall): Promise<ProviderResponse> {
    const { request } = call;
    const { dialect, path } = this.wireFor(request);
    const passthrough = request.source.dialect === dialect.id;
    const upstreamStreams = passthrough ? request.stream : translatedCallStreams(request);
    const prepared = passthrough ? dialect.preparePassthrough(request, call.model, { maxTokensField: this.profile.maxTokensField }) : undefined;
    const encoded = passthrough
      ? undefined
      : dialect.encodeRequest(request, {
          model: call.model,
          stream: upstreamStreams,
          maxTokensField: this.profile.maxTokensField,
          defaultMaxOutputTokens: this.config.settings.defaultMaxOutputTokens,
        });
    const body = prepared?.body ?? JSON.stringify(encoded?.body);
    // What translation could not carry: the caller's own features plus what this encoding dropped.
    const warnings = encoded === undefined ? [] : [...request.warnings, ...encoded.warnings];

    const release = (): void => call.lease.release();
    try {
      const response = await this.dependencies.dispatcher.request({
        origin: this.origin,
        path: this.basePath + path,
        method: 'POST',
        headers: this.headers(passthrough ? request.source.headers : {}, upstreamStreams, request.source.via, call.traceHeaders),
        body,
        signal: call.signal,
        headersTimeout: this.config.settings.firstByteTimeoutMs ?? (upstreamStreams ? STREAM_FIRST_BYTE_TIMEOUT_MS : WHOLE_ANSWER_TIMEOUT_MS),
        bodyTimeout: this.config.settings.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      });
      if (response.statusCode >= 400) {
        throw await this.failureFrom(response, dialect);
      }
      if (!upstreamStreams) {
        const raw = await readBoundedBody(response.body, this.dependencies.limits.maxAnswerBytes);
        release();
        return { type: 'whole', dialect: dialect.id, raw, result: dialect.decodeResult(parseJson(raw, this.name)), warnings };
      }
      const chunks = sseChunks(response.body, {
        providerName: this.name,
        decoder: dialect.createStreamDecoder(),
        keepRaw: passthrough,
        stripUsageOnly: prepared?.stripUsageOnlyEvents ?? false,
        maxEventBytes: this.dependencies.limits.maxEventBytes,
        firstAnswerAlone: request.stream,
      });
      return {
        type: 'stream',
        passthroughDialect: passthrough ? dialect.id : undefined,
        warnings,
        chunks: releasingIterator(chunks, release),
        // Cancelling one attempt (failover, or the caller leaving) destroys its body, which closes
        // the upstream connection; the caller's own signal stays untouched for the next attempt.
        cancel: () => {
          response.body.destroy();
          release();
        },
      };
    } catch (error) {
      release();
      if (error instanceof GatewayError) throw error;
      if (isAbortError(error)) throw new GatewayError('upstream_error', 'Request cancelled', { cause: error, retryable: false });
      throw upstreamNetworkError(this.name, error);
    }
  }

  async countTokens(request: ChatRequest, model: string): Promise<number | undefined> {
    const path = this.profile.countTokensPath;
    if (path === undefined || request.source.dialect !== this.dialect.id) return undefined;
    const response = await this.dependencies.dispatcher.request({
      origin: this.origin,
      path: this.basePath + path,
      method: 'POST',
      headers: this.headers(request.source.headers, false, request.source.via),
      body: this.dialect.preparePassthrough(request, model).body,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const raw = await readBoundedBody(response.body, MAX_ERROR_BODY_BYTES);
    if (response.statusCode >= 400) return undefined;
    const parsed = parseJson(raw, this.name) as { input_tokens?: unknown };
    return typeof parsed.input_tokens === 'number' ? parsed.input_tokens : undefined;
  }

  private async embedAt(path: string, call: EmbeddingCall): Promise<EmbeddingResult> {
    try {
      return await embedOverHttp(call, {
        dispatcher: this.dependencies.dispatcher,
        origin: this.origin,
        path: this.basePath + path,
        headers: this.headers({}, false, call.request.via),
        providerName: this.name,
        timeoutMs: this.config.settings.firstByteTimeoutMs ?? STREAM_FIRST_BYTE_TIMEOUT_MS,
        maxBodyBytes: this.dependencies.limits.maxAnswerBytes,
        failure: (response) => this.failureFrom(response, this.dialect),
      });
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (isAbortError(error)) throw new GatewayError('upstream_error', 'Request cancelled', { cause: error, retryable: false });
      throw upstreamNetworkError(this.name, error);
    } finally {
      call.lease.release();
    }
  }

  priceOverrides(): Readonly<Record<string, ModelPrice>> | undefined {
    return this.config.settings.prices;
  }

  async close(): Promise<void> {
    // The shared dispatcher belongs to the composition root.
  }

  private headers(
    callerHeaders: Record<string, string>,
    stream: boolean,
    via: string | undefined,
    traceHeaders: Readonly<Record<string, string>> = {},
  ): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      via: this.dependencies.hop.viaFor(via),
      ...traceHeaders,
      ...this.profile.authHeaders(this.config.apiKey),
    };
    if (this.profile.dialect === 'anthropic-messages') {
      // Same dialect: forward version and betas unchanged (Claude Code's gateway guide requires it).
      // Translated requests are written against the version Auxot knows, with no betas.
      headers['anthropic-version'] = callerHeaders['anthropic-version'] ?? ANTHROPIC_VERSION;
      const beta = callerHeaders['anthropic-beta'];
      if (beta !== undefined) headers['anthropic-beta'] = beta;
    }
    return headers;
  }

  /** The caller's own dialect when the upstream speaks it natively (passthrough), else the profile's. */
  private wireFor(request: ChatRequest): { dialect: Dialect; path: string } {
    const nativePath = this.profile.nativePaths?.[request.source.dialect];
    const native = nativePath === undefined ? undefined : this.dependencies.dialects.get(request.source.dialect);
    if (nativePath !== undefined && native !== undefined) return { dialect: native, path: nativePath };
    return { dialect: this.dialect, path: this.profile.chatPath };
  }

  private async failureFrom(response: Dispatcher.ResponseData, dialect: Dialect): Promise<GatewayError> {
    let message = `HTTP ${response.statusCode}`;
    try {
      const raw = await readBoundedBody(response.body, MAX_ERROR_BODY_BYTES);
      const upstreamMessage = dialect.errorMessageFromBody(JSON.parse(raw.toString('utf8')));
      // Vendor messages quote the key that failed; nothing shaped like a credential goes further.
      if (upstreamMessage !== undefined) message = redactCredentials(upstreamMessage.slice(0, 1000));
    } catch {
      // An unreadable error body still leaves the status, which is what decides failover.
    }
    const retryAfterMs = retryAfterMsFrom(response.headers, this.dependencies.clock.now());
    return errorFromUpstreamStatus(response.statusCode, `Provider ${this.name}: ${message}`, retryAfterMs);
  }
}

function parseJson(raw: Buffer, providerName: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new GatewayError('upstream_error', `Provider ${providerName} answered with invalid JSON`, { cause: error });
  }
}

/** Whether a translated call asks its upstream for a stream (see WHOLE_TRANSLATED_MAX_TOKENS). */
function translatedCallStreams(request: ChatRequest): boolean {
  if (request.stream) return true;
  return request.maxOutputTokens === undefined || request.maxOutputTokens > WHOLE_TRANSLATED_MAX_TOKENS;
}

/** Calls `release` exactly once when the iteration finishes, fails or is abandoned. */
function releasingIterator<T>(source: AsyncGenerator<T>, release: () => void): AsyncIterator<T> {
  return {
    async next() {
      try {
        const result = await source.next();
        if (result.done === true) release();
        return result;
      } catch (error) {
        release();
        throw error;
      }
    },
    async return(value?: unknown) {
      release();
      return source.return(value);
    },
  };
}
