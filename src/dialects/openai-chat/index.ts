import type { Dialect, DialectDependencies } from '../dialect.js';
import { decodeRequest } from './decode-request.js';
import { createStreamDecoder } from './decode-stream.js';
import { encodeRequest } from './encode-request.js';
import { createStreamEncoder } from './encode-stream.js';
import { encodeError, encodeStreamError, errorMessageFromBody } from './errors.js';
import { preparePassthrough } from './passthrough.js';
import { decodeResult, encodeResult } from './result.js';

/** The OpenAI Chat Completions wire codec (`POST /v1/chat/completions`). */
export function createOpenAiChatDialect(deps: DialectDependencies): Dialect {
  return {
    id: 'openai-chat',
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
