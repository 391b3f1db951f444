import { GatewayError } from '../../canonical/gateway-error.js';
import { nonEmptyString, recordOf } from './wire-values.js';

/** OpenAI types its rate-limit errors by the exhausted budget ("requests", "tokens"). */
const RATE_LIMIT_TYPES = new Set(['requests', 'tokens', 'rate_limit_error']);

/**
 * An error an OpenAI-compatible upstream reported inside a 200 stream or body
 * (`{"error":{message,type,code}}`, or Ollama's `{"error":"..."}`), classified so the router and
 * the caller see a rate limit or an overload for what it is.
 */
export function errorFromUpstreamPayload(payload: unknown): GatewayError {
  const error = recordOf(payload).error;
  const details = recordOf(error);
  const message =
    nonEmptyString(error) ??
    nonEmptyString(details.message) ??
    nonEmptyString(recordOf(payload).message) ??
    'The upstream reported an error';
  const type = typeof details.type === 'string' ? details.type.toLowerCase() : '';
  const code = typeof details.code === 'string' ? details.code.toLowerCase() : '';
  if (RATE_LIMIT_TYPES.has(type) || code.includes('rate_limit')) return new GatewayError('rate_limited', message);
  if (type.includes('overloaded') || code.includes('overloaded')) return new GatewayError('overloaded', message);
  return new GatewayError('upstream_error', message);
}
