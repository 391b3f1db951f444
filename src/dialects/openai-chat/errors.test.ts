import { describe, expect, it } from 'vitest';
import { GatewayError, type GatewayErrorCode } from '../../canonical/gateway-error.js';
import { encodeError, encodeStreamError, errorMessageFromBody } from './errors.js';

describe('encodeError', () => {
  it.each<[GatewayErrorCode, number, string, string | null]>([
    ['invalid_request', 400, 'invalid_request_error', null],
    ['unauthorized', 401, 'invalid_request_error', 'invalid_api_key'],
    ['forbidden', 403, 'permission_error', null],
    ['not_found', 404, 'invalid_request_error', null],
    ['method_not_allowed', 405, 'invalid_request_error', null],
    ['payload_too_large', 413, 'invalid_request_error', 'request_too_large'],
    ['rate_limited', 429, 'requests', 'rate_limit_exceeded'],
    ['no_capacity', 429, 'requests', 'no_capacity'],
    ['overloaded', 503, 'server_error', 'overloaded'],
    ['upstream_error', 502, 'server_error', 'upstream_error'],
    ['upstream_timeout', 504, 'server_error', 'upstream_timeout'],
    ['internal', 500, 'server_error', null],
  ])('renders %s as %i %s / %s', (code, status, type, wireCode) => {
    const encoded = encodeError(new GatewayError(code, `${code} happened`));
    expect(encoded.status).toBe(status);
    expect(encoded.body).toEqual({ error: { message: `${code} happened`, type, param: null, code: wireCode } });
  });

  it('says model_not_found only when the model is what was not found', () => {
    const encoded = encodeError(new GatewayError('not_found', 'no such model', { param: 'model' }));
    expect(encoded.body).toEqual({ error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
  });

  it('names the param of an invalid request and says not to retry', () => {
    const encoded = encodeError(new GatewayError('invalid_request', 'bad', { param: 'messages[2].content' }), 'req_1');
    expect(encoded.body).toEqual({ error: { message: 'bad', type: 'invalid_request_error', param: 'messages[2].content', code: null } });
    expect(encoded.headers).toEqual({ 'x-request-id': 'req_1', 'x-should-retry': 'false' });
  });

  it('sets retry-after in whole seconds rounded up, and retry-after-ms', () => {
    const encoded = encodeError(new GatewayError('rate_limited', 'slow down', { retryAfterMs: 1200 }));
    expect(encoded.headers).toEqual({ 'retry-after': '2', 'retry-after-ms': '1200' });
  });

  it('marks a policy 429 that will not heal as not retryable', () => {
    const encoded = encodeError(new GatewayError('rate_limited', 'budget spent', { retryable: false }));
    expect(encoded.headers).toEqual({ 'x-should-retry': 'false' });
  });
});

describe('encodeStreamError', () => {
  it('writes one data frame with an error key', () => {
    expect(encodeStreamError(new GatewayError('overloaded', 'Upstream overloaded'))).toBe(
      'data: {"error":{"message":"Upstream overloaded","type":"server_error","param":null,"code":"overloaded"}}\n\n',
    );
  });
});

describe('errorMessageFromBody', () => {
  it('reads error.message, or a bare error string (Ollama)', () => {
    expect(errorMessageFromBody({ error: { message: 'model not found', type: 'invalid_request_error' } })).toBe('model not found');
    expect(errorMessageFromBody({ error: 'model "x" not found, try pulling it first' })).toBe('model "x" not found, try pulling it first');
  });

  it('returns undefined when there is no message', () => {
    expect(errorMessageFromBody({ error: {} })).toBeUndefined();
    expect(errorMessageFromBody({ detail: 'x' })).toBeUndefined();
    expect(errorMessageFromBody('oops')).toBeUndefined();
    expect(errorMessageFromBody(null)).toBeUndefined();
  });
});
