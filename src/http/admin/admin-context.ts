import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Authenticator } from '../../governance/authenticator.js';
import { canAdminister, type Principal } from '../../governance/principal.js';
import { callerKey } from '../caller-key.js';
import { parseJsonBody, readBody } from '../read-body.js';
import type { RouteHandler } from '../router.js';
import { sendAdminError, sendJson } from '../send.js';

const ADMIN_BODY_LIMIT = 1024 * 1024;

export interface AdminRequest {
  principal: Principal;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined for requests without one). */
  body(): Promise<unknown>;
}

export interface AdminResult {
  status?: number;
  body: unknown;
}

/**
 * Wraps a management operation as a route: only owners and admins get in, bodies are JSON, and
 * every failure is `{error:{type, message, param?}}` with the matching status.
 */
export function adminRoute(authenticator: Authenticator, operation: (request: AdminRequest) => Promise<AdminResult>): RouteHandler {
  return async (request: IncomingMessage, response: ServerResponse, params) => {
    try {
      const principal = await authenticator.authenticate(callerKey(request.headers));
      if (!canAdminister(principal)) throw new GatewayError('forbidden', 'This key may not manage the platform (owner or admin role needed)');
      const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
      const result = await operation({
        principal,
        params,
        query,
        body: async () => parseJsonBody(await readBody(request, ADMIN_BODY_LIMIT)),
      });
      if (result.status === 204) {
        response.writeHead(204).end();
        return;
      }
      sendJson(response, result.status ?? 200, result.body);
    } catch (thrown) {
      // Refusals are answered here; anything else is a bug the dispatcher logs and answers with 500.
      if (!(thrown instanceof GatewayError)) throw thrown;
      sendAdminError(response, thrown);
    }
  };
}
