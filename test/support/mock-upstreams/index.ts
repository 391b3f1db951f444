/**
 * Scriptable local stand-ins for api.openai.com and api.anthropic.com, speaking their wire
 * formats byte for byte. Written independently of `src/` on purpose: they are the ground truth
 * the gateway's own codecs are checked against, so they must not share code with them.
 *
 * ```ts
 * const upstream = await startMockUpstream({ dialect: 'anthropic', requireApiKey: 'sk-provider' });
 * upstream.enqueue(
 *   { kind: 'turn', turn: { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] } },
 *   { kind: 'reset-after-events', events: 3 },
 * );
 * // point the gateway's provider at upstream.baseUrl, drive it, then:
 * const [first] = await upstream.waitForRequests(1);
 * await upstream.close();
 * ```
 */
import type { DialectWire } from './dialect-wire.js';
import { resolveTurn, type ResolvedTurn } from './resolved-turn.js';
import { openaiResponsesWire } from './openai-responses-wire.js';
import { wireFor } from './wire-for.js';
import type { MockDialect, ScriptedTurn } from './types.js';

export type {
  MockDialect,
  MockUpstream,
  MockUpstreamOptions,
  RecordedRequest,
  Scenario,
  ScriptedFinish,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptedUsage,
  SplitMode,
} from './types.js';
export { startMockUpstream } from './server.js';
export { estimateInputTokens } from './resolved-turn.js';
export { splitForWrites } from './byte-split.js';
export { float32Base64, mockEmbedding, mockEmbeddingTokens, DEFAULT_EMBEDDING_DIMENSIONS } from './embeddings-format.js';

export interface RenderOptions {
  /** Numbers the generated ids as the server's n-th request would (default 1). */
  sequence?: number;
  /** Clock for `created` (default Date.now()). */
  nowMs?: number;
}

/** The SSE events the mock would stream for a turn, without a socket: lets codec tests decode mock output directly. */
export function renderStream(
  dialect: MockDialect,
  turn: ScriptedTurn | undefined,
  requestBody: unknown,
  options: RenderOptions = {},
): string[] {
  const wire = wireFor(dialect);
  return wire.streamEvents(resolve(wire, turn, requestBody, options), requestBody);
}

/** The non-streaming body the mock would answer. Throws when anthropic tool arguments are not JSON. */
export function renderBody(
  dialect: MockDialect,
  turn: ScriptedTurn | undefined,
  requestBody: unknown,
  options: RenderOptions = {},
): Record<string, unknown> {
  const wire = wireFor(dialect);
  return wire.resultBody(resolve(wire, turn, requestBody, options), requestBody);
}

/** The Responses API events the OpenAI mock would stream at `/v1/responses` for a turn. */
export function renderResponsesStream(turn: ScriptedTurn | undefined, requestBody: unknown, options: RenderOptions = {}): string[] {
  return openaiResponsesWire.streamEvents(resolve(openaiResponsesWire, turn, requestBody, options), requestBody);
}

/** The non-streaming Response object the OpenAI mock would answer at `/v1/responses`. */
export function renderResponsesBody(turn: ScriptedTurn | undefined, requestBody: unknown, options: RenderOptions = {}): Record<string, unknown> {
  return openaiResponsesWire.resultBody(resolve(openaiResponsesWire, turn, requestBody, options), requestBody);
}

function resolve(
  wire: DialectWire,
  turn: ScriptedTurn | undefined,
  body: unknown,
  options: RenderOptions,
): ResolvedTurn {
  return resolveTurn(turn, body, wire.ids(options.sequence ?? 1), options.nowMs ?? Date.now());
}
