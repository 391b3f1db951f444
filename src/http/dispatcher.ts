import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../canonical/gateway-error.js';
import { answerableError } from '../gateway/unexpected-error.js';
import type { Logger } from '../platform/logger.js';
import type { Router } from './router.js';

export type HttpHandler = ((request: IncomingMessage, response: ServerResponse) => void) & { readonly router: Router };

export interface DispatcherOptions {
  logger: Logger;
  /** Writes an error in the format of the surface the path belongs to. */
  sendError(response: ServerResponse, path: string, error: GatewayError): void;
}

/**
 * The one entry for every HTTP request. Nothing a request carries may end the process or leave it
 * unanswered: whatever a handler throws, synchronously or not, becomes an answer in the format of
 * the surface that was called; an unexpected exception is logged with its stack and answered 500,
 * and touches no other request.
 */
export function createDispatcher(router: Router, options: DispatcherOptions): HttpHandler {
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = request.method ?? 'GET';
    const fail = (thrown: unknown): void => {
      const error = answerableError(thrown, options.logger, { method, path: path.slice(0, 200) });
      if (response.headersSent) {
        // Too late for a status: cut the answer so the caller sees a broken response, not a short one.
        response.destroy();
        return;
      }
      try {
        options.sendError(response, path, error);
      } catch {
        response.destroy();
      }
    };
    try {
      const match = router.match(method, path);
      if (match === undefined) {
        const error = router.hasPath(path)
          ? new GatewayError('method_not_allowed', `${method} is not allowed on ${path.slice(0, 200)}`)
          : new GatewayError('not_found', `No endpoint ${method} ${path.slice(0, 200)}`);
        options.sendError(response, path, error);
        return;
      }
      const result = match.handler(request, response, match.params);
      if (result instanceof Promise) result.catch(fail);
    } catch (thrown) {
      fail(thrown);
    }
  };
  return Object.assign(handle, { router });
}
