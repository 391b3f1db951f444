import { describe, expect, it } from 'vitest';
import { GatewayError, type GatewayErrorCode } from '../../canonical/gateway-error.js';
import { encodeError, encodeStreamError, errorMessageFromBody } from './errors.js';

describe('encodeError', () => {
  it.each([
    ['invalid_request', 400, 'invalid_request_error'],
    ['unauthorized', 401, 'authentication_error'],
    ['forbidden', 403, 'permission_error'],
    ['not_found', 404, 'not_found_error'],
    ['method_not_allowed', 405, 'invalid_request_error'],
    ['payload_too_large', 413, 'request_too_large'],
    ['rate_limited', 429, 'rate_limit_error'],
    ['no_capacity', 529, 'overloaded_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['upstream_error', 502, 'api_error'],
    ['upstream_timeout', 504, 'timeout_error'],
    ['internal', 500, 'api_error'],
  ] as Array<[GatewayErrorCode, number, string]>)('renders %s as %d %s', (code, status, type) => {
    const encoded = encodeError(new GatewayError(code, `${code} happened`), 'req_9');
    expect(encoded.status).toBe(status);
    expect(encoded.body).toEqual({ type: 'error', error: { type, message: `${code} happened` }, request_id: 'req_9' });
  });

  it('omits request_id when there is none', () => {
    expect(encodeError(new GatewayError('internal', 'boom')).body).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'boom' },
    });
  });

  it('writes retry hints: seconds rounded up, milliseconds, and x-should-retry false when not retryable', () => {
    expect(encodeError(new GatewayError('rate_limited', 'slow down', { retryAfterMs: 1201, retryable: false })).headers).toEqual({
      'retry-after': '2',
      'retry-after-ms': '1201',
      'x-should-retry': 'false',
    });
    expect(encodeError(new GatewayError('overloaded', 'busy', { retryAfterMs: 3000 })).headers).toEqual({
      'retry-after': '3',
      'retry-after-ms': '3000',
    });
    expect(encodeError(new GatewayError('upstream_error', 'bad gateway')).headers).toEqual({});
    expect(encodeError(new GatewayError('invalid_request', 'bad')).headers).toEqual({ 'x-should-retry': 'false' });
  });
});

describe('encodeStreamError', () => {
  it('writes the event: error frame Anthropic sends after the 200', () => {
    expect(encodeStreamError(new GatewayError('overloaded', 'Overloaded'))).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });

  it('keeps a message with line breaks inside one data line', () => {
    const frame = encodeStreamError(new GatewayError('internal', 'line one\nevent: message_stop\n\nline two'));
    expect(frame.split('\n\n')).toEqual([
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"line one\\nevent: message_stop\\n\\nline two"}}',
      '',
    ]);
  });
});

describe('errorMessageFromBody', () => {
  it('reads error.message from an object or JSON text, and nothing else', () => {
    expect(errorMessageFromBody({ type: 'error', error: { type: 'x', message: 'Overloaded' } })).toBe('Overloaded');
    expect(errorMessageFromBody('{"type":"error","error":{"type":"x","message":"From text"}}')).toBe('From text');
    expect(errorMessageFromBody({ error: { type: 'x' } })).toBeUndefined();
    expect(errorMessageFromBody({ message: 'top-level' })).toBeUndefined();
    expect(errorMessageFromBody('<html>502</html>')).toBeUndefined();
    expect(errorMessageFromBody(null)).toBeUndefined();
  });
});
