import type { Dialect, DialectDependencies } from '../dialect.js';
import { createAnthropicStreamDecoder } from './decode-stream.js';
import { decodeRequest } from './decode-request.js';
import { createAnthropicStreamEncoder } from './encode-stream.js';
import { encodeRequest } from './encode-request.js';
import { encodeError, encodeStreamError, errorMessageFromBody } from './errors.js';
import { preparePassthrough } from './passthrough.js';
import { decodeResult, encodeResult } from './result.js';

/**
 * The Anthropic Messages wire codec (`/v1/messages`), both directions.
 * @see https://docs.claude.com/en/api/messages
 */
export function createAnthropicMessagesDialect(deps: DialectDependencies): Dialect {
  return {
    id: 'anthropic-messages',
    decodeRequest,
    encodeRequest,
    preparePassthrough,
    createStreamDecoder: createAnthropicStreamDecoder,
    createStreamEncoder: (request) => createAnthropicStreamEncoder(request, deps),
    decodeResult,
    encodeResult: (result, request) => encodeResult(result, request, deps),
    encodeError,
    encodeStreamError,
    errorMessageFromBody,
  };
}
