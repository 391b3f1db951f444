import type { Dialect, DialectDependencies } from '../dialect.js';
import { decodeRequest } from './decode-request.js';
import { createStreamDecoder } from './decode-stream.js';
import { encodeRequest } from './encode-request.js';
import { createStreamEncoder } from './encode-stream.js';
import { encodeError, encodeStreamError, errorMessageFromBody } from './errors.js';
import { preparePassthrough } from './passthrough.js';
import { decodeResult, encodeResult } from './result.js';

/**
 * The OpenAI Responses wire codec (`POST /v1/responses`): what Codex and the newest SDKs speak.
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export function createOpenAiResponsesDialect(deps: DialectDependencies): Dialect {
  return {
    id: 'openai-responses',
    decodeRequest,
    encodeRequest,
    preparePassthrough,
    createStreamDecoder: () => createStreamDecoder(deps),
    createStreamEncoder: (request) => createStreamEncoder(request, deps),
    decodeResult: (body) => decodeResult(body, deps),
    encodeResult: (result, request) => encodeResult(result, request, deps),
    encodeError,
    encodeStreamError,
    errorMessageFromBody,
  };
}
