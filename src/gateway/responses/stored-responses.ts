import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../canonical/json.js';
import type { Principal } from '../../governance/principal.js';
import type { Clock } from '../../platform/clock.js';
import type { StoredResponseRecord } from '../../store/records.js';
import type { StoredResponseRepository } from '../../store/store.js';

export interface ResponseRetention {
  /** Responses kept per API key; older ones are dropped as new ones arrive. */
  maxPerKey: number;
  /** Responses older than this are dropped (OpenAI keeps stored responses 30 days). */
  maxAgeMs: number;
}

export const DEFAULT_RESPONSE_RETENTION: ResponseRetention = { maxPerKey: 1_000, maxAgeMs: 30 * 24 * 3_600_000 };

export interface ResponseStoreListener {
  onError(error: unknown): void;
}

/**
 * The Responses API's server-side state, kept by Auxot itself so `previous_response_id` works on
 * every provider (a local model has no memory of an earlier answer, and OpenAI's is another id
 * space). Each key sees only its own responses. A response is readable the moment its answer has
 * gone out: writes still in flight are looked up here before the store.
 */
export class StoredResponses {
  private readonly pending = new Map<string, { keyId: string; write: Promise<void>; record: StoredResponseRecord }>();

  constructor(
    private readonly repository: StoredResponseRepository,
    private readonly clock: Clock,
    private readonly retention: ResponseRetention,
    private readonly listener: ResponseStoreListener,
  ) {}

  /** Keeps an answer; never throws (a failed write is reported and the answer stands). */
  save(record: StoredResponseRecord): void {
    const write = this.repository
      .insert(record)
      .then(() => this.repository.prune(record.keyId, this.retention.maxPerKey, this.clock.now() - this.retention.maxAgeMs))
      .then(() => undefined)
      .catch((error: unknown) => this.listener.onError(error))
      .finally(() => {
        if (this.pending.get(record.id)?.write === write) this.pending.delete(record.id);
      });
    this.pending.set(record.id, { keyId: record.keyId, write, record });
  }

  async find(principal: Principal, id: string): Promise<StoredResponseRecord | undefined> {
    const pending = this.pending.get(id);
    if (pending !== undefined && pending.keyId === principal.keyId) return pending.record;
    return this.repository.findById(principal.keyId, id);
  }

  /** The stored response, or the 404 OpenAI gives for an id this key cannot see. */
  async get(principal: Principal, id: string): Promise<StoredResponseRecord> {
    const found = await this.find(principal, id);
    if (found === undefined) throw notFound(id, 'response_id');
    return found;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.pending.get(id)?.write;
    if (!(await this.repository.delete(principal.keyId, id))) throw notFound(id, 'response_id');
  }

  /**
   * A body with `previous_response_id` becomes a stateless one: the earlier response's input and
   * output items, then this request's input, with the reference removed (so the upstream, OpenAI
   * included, sees the whole conversation). Instructions do not carry over, as OpenAI documents.
   * Returns the full input items either way, which is what this answer is stored with.
   */
  async expand(body: unknown, principal: Principal): Promise<{ body: unknown; input: JsonValue[] }> {
    if (!isJsonObject(body)) return { body, input: [] };
    const own = inputItems(body.input);
    const previousId = body.previous_response_id;
    if (previousId === undefined || previousId === null) return { body, input: own };
    if (typeof previousId !== 'string' || previousId === '') {
      throw new GatewayError('invalid_request', "'previous_response_id' must be a response id string.", { param: 'previous_response_id' });
    }
    const previous = await this.find(principal, previousId);
    if (previous === undefined) throw notFound(previousId, 'previous_response_id');
    const output = Array.isArray(previous.response.output) ? (previous.response.output as JsonValue[]) : [];
    const input = [...(previous.input as JsonValue[]), ...output, ...own];
    const { previous_response_id: _previous, ...rest } = body;
    return { body: { ...rest, input }, input };
  }
}

/** `input` as items: a bare string is one user message. */
function inputItems(input: JsonValue | undefined): JsonValue[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  return Array.isArray(input) ? input : [];
}

function notFound(id: string, param: string): GatewayError {
  return new GatewayError('not_found', `Response with id '${id}' not found.`, { param });
}

/** What is kept of one answer. */
export function storedRecord(principal: Principal, input: JsonValue[], response: JsonObject, createdAt: number): StoredResponseRecord | undefined {
  const id = response.id;
  if (typeof id !== 'string' || id === '') return undefined;
  return {
    id,
    orgId: principal.orgId,
    keyId: principal.keyId,
    model: typeof response.model === 'string' ? response.model : '',
    createdAt,
    input,
    response,
  };
}
