import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject } from '../../canonical/json.js';
import type { Authenticator } from '../../governance/authenticator.js';
import type { AnyOperation } from '../../management/operation.js';
import { parseInput } from '../../management/validation.js';
import { callerKey } from '../caller-key.js';
import { parseJsonBody, readBody } from '../read-body.js';
import type { RouteHandler } from '../router.js';
import { sendAdminError, sendJson } from '../send.js';
import type { AdminRoute } from './admin-api.js';

const ADMIN_BODY_LIMIT = 1024 * 1024;

/**
 * Runs one operation over HTTP: authenticate, gather the input (path parameters plus the JSON body,
 * or the query string for GET and DELETE), validate it with the operation's schema, run it for the
 * caller, and answer JSON. Refusals are `{error:{type, message, param?}}` with the matching status;
 * anything unexpected goes to the dispatcher, which logs it and answers 500.
 */
export function operationRoute(authenticator: Authenticator, route: AdminRoute, operation: AnyOperation): RouteHandler {
  const bodyless = route.method === 'GET' || route.method === 'DELETE';
  return async (request: IncomingMessage, response: ServerResponse, params) => {
    try {
      const principal = await authenticator.authenticate(callerKey(request.headers));
      const fields = bodyless ? Object.fromEntries(new URL(request.url ?? '/', 'http://localhost').searchParams) : await jsonObject(request);
      for (const name of Object.keys(params)) {
        if (name in fields) throw new GatewayError('invalid_request', `'${name}' is given by the path; leave it out of the ${bodyless ? 'query' : 'body'}`, { param: name });
      }
      const input = parseInput(operation.input, { ...fields, ...params });
      const result = await operation.run(principal, input);
      if (result === undefined) {
        response.writeHead(204).end();
        return;
      }
      sendJson(response, route.status ?? 200, Array.isArray(result) ? { data: result } : result);
    } catch (thrown) {
      if (!(thrown instanceof GatewayError)) throw thrown;
      sendAdminError(response, thrown);
    }
  };
}

/** An admin request's JSON object body (empty: `{}`), within the admin body limit. */
export async function jsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(request, ADMIN_BODY_LIMIT);
  if (raw.length === 0) return {};
  const body = parseJsonBody(raw);
  if (!isJsonObject(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  return body;
}
