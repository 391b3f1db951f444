import { splitForWrites } from './byte-split.js';
import { sleep, type Exchange } from './exchange.js';
import { resolveTurn } from './resolved-turn.js';
import type { Scenario, ScriptedTurn } from './types.js';

/**
 * Time between the last write and an RST. On loopback the bytes are already in the peer's receive
 * queue by then, so the client reads the events before it sees ECONNRESET.
 */
const SETTLE_BEFORE_RESET_MS = 20;

/** Plays one scenario on an exchange whose request body has already been read and recorded. */
export async function runScenario(scenario: Scenario, exchange: Exchange, hang: () => void): Promise<void> {
  switch (scenario.kind) {
    case 'turn':
      return answerTurn(exchange, scenario.turn);
    case 'status':
      return answerStatus(exchange, scenario.status, scenario.body, scenario.headers ?? {});
    case 'reset-before-headers':
      exchange.reset();
      return;
    case 'hang-before-headers':
      hang();
      return;
    case 'reset-after-events':
      if (await writeFirstEvents(exchange, scenario.turn, scenario.events)) {
        await sleep(SETTLE_BEFORE_RESET_MS);
        exchange.reset();
      }
      return;
    case 'hang-after-events':
      if (await writeFirstEvents(exchange, scenario.turn, scenario.events)) hang();
      return;
    case 'end-without-terminal':
      if (await writeFirstEvents(exchange, scenario.turn, scenario.events)) exchange.end();
      return;
    case 'error-event':
      return answerErrorEvent(exchange, scenario);
    case 'raw':
      exchange.sendHead(scenario.status, scenario.headers);
      await exchange.writePieces(
        scenario.chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)),
        scenario.delayMs ?? 0,
      );
      exchange.end();
      return;
  }
}

function sseHeaders(exchange: Exchange): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...exchange.wire.headers(exchange.requestId),
  };
}

function jsonHeaders(exchange: Exchange): Record<string, string> {
  return { 'content-type': 'application/json', ...exchange.wire.headers(exchange.requestId) };
}

function streamEvents(exchange: Exchange, turn: ScriptedTurn | undefined): string[] {
  const resolved = resolveTurn(turn, exchange.record.body, exchange.ids, Date.now());
  return exchange.wire.streamEvents(resolved, exchange.record.body);
}

function resultJson(exchange: Exchange, turn: ScriptedTurn | undefined): string {
  const resolved = resolveTurn(turn, exchange.record.body, exchange.ids, Date.now());
  return JSON.stringify(exchange.wire.resultBody(resolved, exchange.record.body));
}

async function answerTurn(exchange: Exchange, turn: ScriptedTurn | undefined): Promise<void> {
  const split = turn?.split;
  const delayMs = turn?.delayMs ?? 0;
  if (exchange.isStreamRequested) {
    const pieces = splitForWrites(streamEvents(exchange, turn), split, turn?.seed);
    exchange.sendHead(200, sseHeaders(exchange));
    if (await exchange.writePieces(pieces, delayMs)) exchange.end();
    return;
  }
  const body = resultJson(exchange, turn);
  const headers = { ...jsonHeaders(exchange), 'content-length': String(Buffer.byteLength(body)) };
  exchange.sendHead(200, headers);
  if (await exchange.writePieces(splitForWrites([body], split, turn?.seed), delayMs)) exchange.end();
}

function answerStatus(exchange: Exchange, status: number, body: unknown, headers: Record<string, string>): void {
  const defaultBody = status >= 400 ? exchange.wire.errorBody({ status, requestId: exchange.requestId }) : '';
  const chosen = body === undefined ? defaultBody : body;
  const bytes =
    typeof chosen === 'string' || Buffer.isBuffer(chosen) ? Buffer.from(chosen) : Buffer.from(JSON.stringify(chosen));
  exchange.sendHead(status, { ...jsonHeaders(exchange), ...headers });
  exchange.response.end(bytes);
}

/**
 * A 200 and the first `count` units of the answer. For a non-streaming request the only unit is
 * the JSON body, of which any count > 0 writes the first half (a truncated body).
 */
async function writeFirstEvents(exchange: Exchange, turn: ScriptedTurn | undefined, count: number): Promise<boolean> {
  const delayMs = turn?.delayMs ?? 0;
  if (exchange.isStreamRequested) {
    const pieces = splitForWrites(streamEvents(exchange, turn).slice(0, count), turn?.split, turn?.seed);
    exchange.sendHead(200, sseHeaders(exchange));
    return exchange.writePieces(pieces, delayMs);
  }
  const body = Buffer.from(resultJson(exchange, turn), 'utf8');
  exchange.sendHead(200, jsonHeaders(exchange));
  return exchange.writePieces(count > 0 ? [body.subarray(0, Math.floor(body.length / 2))] : [], delayMs);
}

async function answerErrorEvent(
  exchange: Exchange,
  scenario: Extract<Scenario, { kind: 'error-event' }>,
): Promise<void> {
  const { wire } = exchange;
  if (!exchange.isStreamRequested) {
    // Without a stream there is no in-stream frame: the same failure arrives as an HTTP error.
    const status = wire.statusForErrorType(scenario.errorType);
    const { message, errorType: type } = scenario;
    const body = wire.errorBody({ status, requestId: exchange.requestId, message, type });
    answerStatus(exchange, status, body, {});
    return;
  }
  const turn = resolveTurn(scenario.turn, exchange.record.body, exchange.ids, Date.now());
  const events = [
    ...wire.streamEvents(turn, exchange.record.body).slice(0, scenario.afterEvents),
    wire.inStreamError(scenario.errorType, scenario.message, { turn, body: exchange.record.body, sequence: scenario.afterEvents }),
  ];
  const pieces = splitForWrites(events, scenario.turn?.split, scenario.turn?.seed);
  exchange.sendHead(200, sseHeaders(exchange));
  if (await exchange.writePieces(pieces, scenario.turn?.delayMs ?? 0)) exchange.end();
}
