import { z } from 'zod';
import { anthropicMessage, anthropicSseEvent, anthropicStreamEvents } from './anthropic-format.js';
import { bearerToken, type DialectWire } from './dialect-wire.js';

/**
 * Error types per status, as api.anthropic.com answers.
 * @see https://docs.claude.com/en/api/errors
 */
const ERROR_TYPES: ReadonlyArray<readonly [number, string, string]> = [
  [400, 'invalid_request_error', 'Invalid request.'],
  [401, 'authentication_error', 'invalid x-api-key'],
  [402, 'billing_error', 'Your credit balance is too low.'],
  [403, 'permission_error', 'Your API key does not have permission to use the specified resource.'],
  [404, 'not_found_error', 'Not found'],
  [409, 'conflict_error', 'Conflict.'],
  [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  [500, 'api_error', 'Internal server error'],
  [504, 'timeout_error', 'Request timed out.'],
  [529, 'overloaded_error', 'Overloaded'],
];

function errorKind(status: number): { type: string; message: string } {
  const known = ERROR_TYPES.find(([code]) => code === status);
  if (known !== undefined) return { type: known[1], message: known[2] };
  return status >= 500
    ? { type: 'api_error', message: 'Internal server error' }
    : { type: 'invalid_request_error', message: 'Invalid request.' };
}

const chatBodySchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(z.unknown()),
});

export const anthropicWire: DialectWire = {
  dialect: 'anthropic',
  basePath: '',
  defaultModels: ['claude-mock'],
  route(method, pathname) {
    // Claude Code calls `/v1/messages?beta=true`; the query never changes the route.
    if (method === 'POST' && pathname === '/v1/messages') return 'chat';
    if (method === 'POST' && pathname === '/v1/messages/count_tokens') return 'count-tokens';
    if (method === 'GET' && pathname === '/v1/models') return 'models';
    return undefined;
  },
  // SDK 1.x sends Bearer, older clients and Claude Code with ANTHROPIC_API_KEY send x-api-key.
  isAuthorized: (headers, key) => headers['x-api-key'] === key || bearerToken(headers) === key,
  ids: (sequence) => ({
    response: `msg_mock${sequence}`,
    toolCall: (position) => `toolu_mock${sequence}_${position}`,
    request: `req_mock${sequence}`,
  }),
  headers: (requestId) => ({ 'request-id': requestId }),
  chatBodySchema,
  streamEvents: (turn) => anthropicStreamEvents(turn),
  resultBody: anthropicMessage,
  errorBody(details) {
    const kind = errorKind(details.status);
    return {
      type: 'error',
      error: { type: details.type ?? kind.type, message: details.message ?? kind.message },
      request_id: details.requestId,
    };
  },
  notFoundMessage: (method, path) => `Not found: ${method} ${path}`,
  unauthorizedMessage: 'invalid x-api-key',
  inStreamError(type, message) {
    const error = { type: type ?? 'overloaded_error', message: message ?? 'Overloaded' };
    return anthropicSseEvent('error', JSON.stringify({ type: 'error', error }));
  },
  statusForErrorType(type) {
    const known = ERROR_TYPES.find(([, name]) => name === (type ?? 'overloaded_error'));
    return known?.[0] ?? 500;
  },
  modelsBody(ids) {
    return {
      data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids.at(-1) ?? null,
    };
  },
};
