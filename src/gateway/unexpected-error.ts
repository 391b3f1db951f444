import { GatewayError } from '../canonical/gateway-error.js';
import type { Logger } from '../platform/logger.js';

/**
 * What a caller may be told about a thrown value. A GatewayError is an answer by design; anything
 * else is a bug: it is logged with its stack, and the caller gets a plain 500 that leaks nothing of
 * the program's insides.
 */
export function answerableError(thrown: unknown, logger: Logger, context: Record<string, unknown>): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  logger.error('request failed with an unexpected error', {
    ...context,
    error: thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown),
  });
  return new GatewayError('internal', 'Internal error: the request could not be completed', { cause: thrown });
}
