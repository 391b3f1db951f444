import { callerKey } from './caller-key.js';
import type { RouteHandler } from './router.js';
import { sendJson } from './send.js';

/** What the server tells a worker about its key: enough to refuse to start with the wrong one. */
export interface WorkerKeyIdentity {
  workerId: string;
  name: string;
  provider: { name: string; kind: string; tier: string };
}

/**
 * `GET /api/worker/identity` with `Authorization: Bearer <worker key>`: a worker checks its key
 * here before it loads a model (which can take minutes), and learns its id, name and provider.
 */
export function workerIdentityEndpoint(identify: (key: string) => Promise<WorkerKeyIdentity | undefined>): RouteHandler {
  return async (request, response) => {
    const key = callerKey(request.headers);
    const identity = key === undefined ? undefined : await identify(key);
    if (identity === undefined) {
      sendJson(response, 401, { error: { type: 'authentication_error', message: 'Unknown or revoked worker key' } });
      return;
    }
    sendJson(response, 200, { workerId: identity.workerId, name: identity.name, provider: identity.provider });
  };
}
