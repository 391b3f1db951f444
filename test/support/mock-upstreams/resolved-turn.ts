import type { ScriptedFinish, ScriptedTurn } from './types.js';

export const DEFAULT_TEXT = 'Hello from the mock upstream.';
export const DEFAULT_SIGNATURE = 'sig-test';
export const DEFAULT_FRAGMENT_CHARS = 3;

/** Ids a dialect hands out for one chat request (numbered by the server, so runs are reproducible). */
export interface TurnIds {
  response: string;
  toolCall(position: number): string;
}

export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A scripted turn with every default filled in: what the format writers render. */
export interface ResolvedTurn {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  reasoning: string | undefined;
  reasoningSignature: string;
  text: string | undefined;
  toolCalls: ResolvedToolCall[];
  finish: ScriptedFinish;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  fragmentChars: number;
}

/**
 * The deterministic token estimate used for default usage and for `count_tokens`: characters of
 * the JSON of `{system, messages, tools}` divided by 4, rounded up.
 */
export function estimateInputTokens(body: unknown): number {
  const record = isRecord(body) ? body : {};
  const json = JSON.stringify({ system: record['system'], messages: record['messages'], tools: record['tools'] });
  return Math.ceil(json.length / 4);
}

export function resolveTurn(turn: ScriptedTurn | undefined, body: unknown, ids: TurnIds, nowMs: number): ResolvedTurn {
  const scripted = turn ?? {};
  const isEmpty =
    scripted.text === undefined && scripted.reasoning === undefined && (scripted.toolCalls ?? []).length === 0;
  const text = isEmpty ? DEFAULT_TEXT : scripted.text;
  const toolCalls = (scripted.toolCalls ?? []).map((call, position) => ({
    id: call.id ?? ids.toolCall(position),
    name: call.name,
    arguments: call.arguments,
  }));
  const generatedChars =
    (scripted.reasoning ?? '').length + (text ?? '').length + toolCalls.reduce((sum, c) => sum + c.arguments.length, 0);
  const requestModel = isRecord(body) && typeof body['model'] === 'string' ? body['model'] : 'mock-model';
  return {
    id: scripted.id ?? ids.response,
    model: scripted.model ?? requestModel,
    created: Math.floor(nowMs / 1000),
    reasoning: scripted.reasoning,
    reasoningSignature: scripted.reasoningSignature ?? DEFAULT_SIGNATURE,
    text,
    toolCalls,
    finish: scripted.finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: {
      input: scripted.usage?.input ?? estimateInputTokens(body),
      output: scripted.usage?.output ?? Math.max(1, Math.ceil(generatedChars / 4)),
      cacheRead: scripted.usage?.cacheRead ?? 0,
      cacheWrite: scripted.usage?.cacheWrite ?? 0,
      reasoning: scripted.usage?.reasoning ?? Math.ceil((scripted.reasoning ?? '').length / 4),
    },
    fragmentChars: Math.max(1, Math.floor(scripted.fragmentChars ?? DEFAULT_FRAGMENT_CHARS)),
  };
}

/**
 * Cuts text into pieces of `size` characters. Counts code points, not UTF-16 units: real APIs never
 * split a surrogate pair across two deltas (byte-level splits inside UTF-8 are what `split` is for).
 */
export function fragment(text: string, size: number): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) {
    pieces.push(codePoints.slice(start, start + size).join(''));
  }
  return pieces;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
