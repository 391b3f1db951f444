import type OpenAI from 'openai';
import { expect } from 'vitest';
import type { TestServer } from '../../support/test-server.js';

/** What the mock upstreams answer when no scenario is queued. */
export const DEFAULT_MOCK_TEXT = 'Hello from the mock upstream.';

/**
 * Remembers the request ids a test produced (from `x-request-id` / `request-id` headers or SDK
 * errors), then checks the server kept exactly one request record for each of them.
 */
export class RequestLedger {
  private ids: string[] = [];

  constructor(private readonly server: TestServer) {}

  /** Records an id; a missing one fails the test (every chat answer must name its request). */
  track(id: string | null | undefined): void {
    expect(id, 'the answer carried no request id').toMatch(/^req_/);
    this.ids.push(id as string);
  }

  /** Checks and forgets the ids tracked so far; returns their records by id. */
  async expectOneRecordEach(): Promise<Map<string, any>> {
    const ids = this.ids;
    this.ids = [];
    const log = await this.server.requestLog(500);
    const records = new Map<string, any>();
    for (const id of ids) {
      const matching = log.filter((record) => record.id === id);
      expect(matching, `records for ${id}`).toHaveLength(1);
      records.set(id, matching[0]);
    }
    return records;
  }
}

/** A plain request still gets a normal answer (no crash, no hang, no leaked slot); its id joins the ledger. */
export async function expectStillServing(client: OpenAI, model: string, ledger: RequestLedger): Promise<void> {
  const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'still there?' }] }, { timeout: 5_000 });
  expect(completion.choices[0]?.message.content).toBe(DEFAULT_MOCK_TEXT);
  ledger.track(completion._request_id);
}

/** The request id an SDK error carries (openai reads `x-request-id`, Anthropic `request-id`). */
export function requestIdOf(error: unknown): string | null {
  const id = (error as { requestID?: string | null } | undefined)?.requestID;
  return id ?? null;
}
