import { createHash, timingSafeEqual } from 'node:crypto';
import type { Readiness } from '../observability/readiness.js';
import type { Router } from './router.js';
import { sendJson } from './send.js';

/** What the operations endpoints read; built by the composition root. */
export interface OperationsDependencies {
  readiness(): Promise<Readiness>;
  metrics: { readonly contentType: string; render(): Promise<string> };
  /** When set, `/metrics` wants `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

/**
 * `/healthz` (the process serves HTTP), `/readyz` (it should get traffic) and `/metrics`
 * (Prometheus). None needs an API key, so probes and scrapers hold no caller credential; metrics
 * can be put behind their own token.
 */
export function registerOperationsEndpoints(router: Router, dependencies: OperationsDependencies): void {
  router.on('GET', '/healthz', (_request, response) => sendJson(response, 200, { status: 'ok' }));
  router.on('HEAD', '/healthz', (_request, response) => void response.writeHead(200).end());

  router.on('GET', '/readyz', async (_request, response) => {
    const readiness = await dependencies.readiness();
    sendJson(response, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks }, { 'cache-control': 'no-store' });
  });
  router.on('HEAD', '/readyz', async (_request, response) => {
    const readiness = await dependencies.readiness();
    response.writeHead(readiness.ready ? 200 : 503, { 'cache-control': 'no-store' }).end();
  });

  const tokenDigest = dependencies.metricsToken === undefined ? undefined : digest(dependencies.metricsToken);
  router.on('GET', '/metrics', async (request, response) => {
    if (tokenDigest !== undefined && !presents(request.headers.authorization, tokenDigest)) {
      sendJson(
        response,
        401,
        { error: { type: 'unauthorized', message: 'Send the metrics token (AUXOT_METRICS_TOKEN) as "Authorization: Bearer <token>"' } },
        { 'www-authenticate': 'Bearer realm="auxot-metrics"' },
      );
      return;
    }
    const text = await dependencies.metrics.render();
    response.writeHead(200, { 'content-type': dependencies.metrics.contentType, 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
    response.end(text);
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compared as digests, in constant time: the token's length and prefix leak nothing either. */
function presents(authorization: string | undefined, expected: Buffer): boolean {
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}
