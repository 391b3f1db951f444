import type { ChatEvent } from '../../../canonical/chat-event.js';
import type { ModelRequest } from '../../../canonical/chat-request.js';
import type { InferenceEngine } from '../../inference-engine.js';

/** A job's request with the defaults a decoder would fill in. */
export function chatRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'tiny',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
    tools: [],
    stopSequences: [],
    stream: true,
    includeUsage: true,
    ...overrides,
  };
}

/** Ids the tests can predict: `chatcmpl-1`, `call_2`, ... */
export function counterIds(): (prefix: string) => string {
  let next = 0;
  return (prefix) => `${prefix}${++next}`;
}

export interface TimedEvent {
  event: ChatEvent;
  atMs: number;
}

/** Runs one job to its end, recording when each event arrived. */
export async function runJob(
  engine: InferenceEngine,
  request: ModelRequest,
  options: { signal?: AbortSignal; onEvent?: (event: ChatEvent) => void } = {},
): Promise<TimedEvent[]> {
  const events: TimedEvent[] = [];
  const iterable = engine.run({
    jobId: 'job',
    request,
    model: request.model,
    signal: options.signal ?? new AbortController().signal,
  });
  for await (const event of iterable) {
    events.push({ event, atMs: performance.now() });
    options.onEvent?.(event);
  }
  return events;
}

export function textOf(events: readonly TimedEvent[]): string {
  return events.map(({ event }) => (event.type === 'text-delta' ? event.text : '')).join('');
}

export function argumentsOf(events: readonly TimedEvent[]): string {
  return events.map(({ event }) => (event.type === 'tool-call-delta' ? event.argumentsJson : '')).join('');
}

export function eventTypes(events: readonly TimedEvent[]): string {
  return events.map(({ event }) => event.type).join(' ');
}

export function findEvent<T extends ChatEvent['type']>(
  events: readonly TimedEvent[],
  type: T,
): Extract<ChatEvent, { type: T }> | undefined {
  return events.map(({ event }) => event).find((event): event is Extract<ChatEvent, { type: T }> => event.type === type);
}

/** Resolves with the first event of a new job, or rejects when none arrives in time (a leaked slot). */
export async function firstEventWithin(engine: InferenceEngine, ms: number): Promise<ChatEvent> {
  const job = { jobId: 'probe', request: chatRequest({ maxOutputTokens: 2 }), model: 'tiny', signal: new AbortController().signal };
  const iterator = engine.run(job)[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no slot within ${ms} ms`)), ms);
  });
  try {
    const first = await Promise.race([iterator.next(), timeout]);
    if (first.done === true) throw new Error('the job ended without events');
    return first.value;
  } finally {
    clearTimeout(timer);
    await iterator.return?.();
  }
}
