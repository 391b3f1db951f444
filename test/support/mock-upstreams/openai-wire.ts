import { z } from 'zod';
import { bearerToken, type DialectWire, type ErrorDetails } from './dialect-wire.js';
import { openaiCompletion, openaiSseEvent, openaiStreamEvents } from './openai-format.js';
import { isRecord } from './resolved-turn.js';

/**
 * Error `type`/`code` per status, as api.openai.com answers.
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 */
function errorKind(status: number): { type: string; code: string | null; message: string } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' };
    case 403:
      return { type: 'invalid_request_error', code: 'permission_denied', message: 'You are not allowed to do this.' };
    case 404:
      return { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' };
    case 429:
      return { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' };
    case 503:
      return { type: 'server_error', code: null, message: 'The engine is currently overloaded.' };
    default:
      return status >= 500
        ? { type: 'server_error', code: null, message: 'The server had an error while processing your request.' }
        : { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
  }
}

const chatBodySchema = z.object({
  model: z.string().min(1),
  messages: z.array(z.unknown()).min(1),
});

export const openaiWire: DialectWire = {
  dialect: 'openai',
  basePath: '/v1',
  defaultModels: ['gpt-mock'],
  route(method, pathname) {
    if (method === 'POST' && pathname === '/v1/chat/completions') return 'chat';
    if (method === 'POST' && pathname === '/v1/responses') return 'responses';
    if (method === 'POST' && pathname === '/v1/embeddings') return 'embeddings';
    if (method === 'GET' && pathname === '/v1/models') return 'models';
    return undefined;
  },
  isAuthorized: (headers, key) => bearerToken(headers) === key,
  ids: (sequence) => ({
    response: `chatcmpl-mock${sequence}`,
    toolCall: (position) => `call_mock${sequence}_${position}`,
    request: `req_mock${sequence}`,
  }),
  headers: (requestId) => ({ 'x-request-id': requestId, 'openai-version': '2020-10-01', 'openai-processing-ms': '1' }),
  chatBodySchema,
  streamEvents(turn, body) {
    const options = isRecord(body) ? body['stream_options'] : undefined;
    return openaiStreamEvents(turn, isRecord(options) && options['include_usage'] === true);
  },
  resultBody: openaiCompletion,
  errorBody(details: ErrorDetails) {
    const kind = errorKind(details.status);
    return {
      error: {
        message: details.message ?? kind.message,
        type: details.type ?? kind.type,
        param: null,
        code: details.type === undefined ? kind.code : null,
      },
    };
  },
  notFoundMessage: (method, path) => `Invalid URL (${method} ${path})`,
  unauthorizedMessage: 'Incorrect API key provided. You can find your API key in your account settings.',
  inStreamError(type, message) {
    const error = {
      message: message ?? 'The server had an error while processing your request. Sorry about that!',
      type: type ?? 'server_error',
      param: null,
      code: null,
    };
    return openaiSseEvent(JSON.stringify({ error }));
  },
  statusForErrorType: (type) => (type === 'requests' || type === 'rate_limit_exceeded' ? 429 : 500),
  modelsBody: (ids) => ({
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'mock' })),
  }),
};
