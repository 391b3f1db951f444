import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { parseInput } from '../../management/validation.js';
import type { RequestLogFilter } from '../../store/store.js';

const idList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''));

/** `GET /api/admin/requests` query parameters. */
const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).optional(),
  status: z
    .string()
    .regex(/^([1-5]\d\d|[1-5]xx|ok|error)$/, 'use a status code (429), a class (4xx), ok or error')
    .optional(),
  provider: z.string().min(1).optional(),
  route: z.string().min(1).optional(),
  key: idList.optional(),
  worker: idList.optional(),
  since: z.coerce.number().int().nonnegative().optional(),
});

export interface RequestLogListing {
  limit: number;
  before?: string;
  filter: RequestLogFilter;
}

/**
 * Reads the listing's paging and filters; `provider` may be a name or an id and is resolved
 * through `providerId` (which throws for an unknown provider).
 */
export async function readRequestLogQuery(query: URLSearchParams, providerId: (nameOrId: string) => Promise<string>): Promise<RequestLogListing> {
  const parsed = parseInput(querySchema, Object.fromEntries(query));
  const filter: RequestLogFilter = {};
  if (parsed.status !== undefined) filter.status = statusRange(parsed.status);
  if (parsed.provider !== undefined) {
    try {
      filter.providerId = await providerId(parsed.provider);
    } catch {
      throw new GatewayError('invalid_request', `No provider '${parsed.provider}'`, { param: 'provider' });
    }
  }
  if (parsed.route !== undefined) filter.route = parsed.route;
  if (parsed.key !== undefined) filter.keyIds = parsed.key;
  if (parsed.worker !== undefined) filter.workerIds = parsed.worker;
  if (parsed.since !== undefined) filter.since = parsed.since;
  return { limit: parsed.limit, ...(parsed.before === undefined ? {} : { before: parsed.before }), filter };
}

function statusRange(status: string): { min: number; max: number } {
  if (status === 'ok') return { min: 0, max: 399 };
  if (status === 'error') return { min: 400, max: 999 };
  if (status.endsWith('xx')) {
    const hundred = Number(status[0]) * 100;
    return { min: hundred, max: hundred + 99 };
  }
  return { min: Number(status), max: Number(status) };
}
