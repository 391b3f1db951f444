import { expect } from 'vitest';
import type { MockDialect } from '../../support/mock-upstreams/index.js';
import type { RawResponse } from './raw-http.js';

/**
 * Checks an HTTP error is in the caller's dialect: OpenAI `{error:{message,type,param,code}}`,
 * Anthropic `{type:'error', error:{type,message}}`. Returns the message.
 */
export function expectDialectError(dialect: MockDialect, response: RawResponse, status: number, type?: string): string {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = response.json as Record<string, any>;
  if (dialect === 'openai') {
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  } else {
    expect(body.type).toBe('error');
    expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
  }
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(5);
  if (type !== undefined) expect(body.error.type).toBe(type);
  return body.error.message as string;
}

/** The default error `type` each dialect uses for a status. */
export function errorTypeFor(dialect: MockDialect, status: number): string {
  if (dialect === 'openai') return status >= 500 ? 'server_error' : status === 429 ? 'requests' : 'invalid_request_error';
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    502: 'api_error',
  };
  return types[status] ?? 'api_error';
}
