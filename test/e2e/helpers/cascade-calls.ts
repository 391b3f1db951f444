import type { TestServer } from '../../support/test-server.js';
import { sseMessages } from './raw-http.js';

export interface Answer {
  status: number;
  tier: string | null;
  provider: string | null;
  queueMs: number;
  text: string | undefined;
  headers: Headers;
  body: any;
  /** The order this answer completed in among all answers of the test run (1, 2, …): an event order, not a clock. */
  finishedAt: number;
}

let answersFinished = 0;

/**
 * An OpenAI-surface call with a raw fetch, returning what routing decided. Streams when asked (a
 * slow upstream only paces streamed answers; a whole body arrives at once).
 */
export async function ask(
  server: TestServer,
  model: string,
  prompt: string,
  options: { key?: string; tools?: unknown[]; stream?: boolean; signal?: AbortSignal } = {},
): Promise<Answer> {
  const stream = options.stream ?? false;
  const response = await fetch(`${server.url}/api/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.key ?? server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: prompt }], ...(options.tools === undefined ? {} : { tools: options.tools }) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const raw = await response.text();
  const body: any = stream && response.status === 200 ? undefined : JSON.parse(raw);
  const text = stream && response.status === 200 ? streamedText(raw) : body?.choices?.[0]?.message?.content;
  return {
    status: response.status,
    tier: response.headers.get('x-auxot-tier'),
    provider: response.headers.get('x-auxot-provider'),
    queueMs: Number(response.headers.get('x-auxot-queue-ms') ?? Number.NaN),
    text: text ?? undefined,
    headers: response.headers,
    body,
    finishedAt: ++answersFinished,
  };
}

/** Joins the content deltas of an OpenAI SSE stream. */
function streamedText(raw: string): string {
  return sseMessages(raw)
    .filter((message) => message.data.startsWith('{'))
    .map((message) => JSON.parse(message.data).choices?.[0]?.delta?.content ?? '')
    .join('');
}

/** Waits until the server shows the named worker busy (a slot reserved for a request). */
export async function untilWorkerBusy(server: TestServer, worker: string, busy = 1): Promise<void> {
  await until(async () => {
    const workers: Array<{ name: string; busy: number }> = (await server.admin('GET', '/api/admin/workers')).body.data;
    return workers.some((entry) => entry.name === worker && entry.busy >= busy);
  }, `worker ${worker} busy`);
}

/** Waits until an HTTP provider has requests in flight. */
export async function untilProviderBusy(server: TestServer, provider: string, inFlight = 1): Promise<void> {
  await until(async () => (await server.admin('GET', `/api/admin/providers/${provider}`)).body.capacity?.inFlight >= inFlight, `provider ${provider} busy`);
}

/** Waits until the named worker has left the server's list. */
export async function untilWorkerGone(server: TestServer, worker: string): Promise<void> {
  await until(async () => {
    const workers: Array<{ name: string }> = (await server.admin('GET', '/api/admin/workers')).body.data;
    return !workers.some((entry) => entry.name === worker);
  }, `worker ${worker} gone`);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
