import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../canonical/gateway-error.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse, params: Record<string, string>) => Promise<void> | void;

interface PatternRoute {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export interface RouteMatch {
  handler: RouteHandler;
  params: Record<string, string>;
}

/**
 * Method + path routing. Static paths are one Map lookup (the chat endpoints are static); paths
 * with `:params` are matched segment by segment. A trailing slash is ignored.
 */
export class Router {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly patterns: PatternRoute[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    if (path.includes('/:')) this.patterns.push({ method, segments: path.split('/'), handler });
    else this.exact.set(`${method} ${path}`, handler);
    return this;
  }

  /**
   * The handler for a request, or undefined when none matches. Throws `invalid_request` when a
   * path parameter is not valid percent-encoding: that is the caller's input, never a crash.
   */
  match(method: string, path: string): RouteMatch | undefined {
    const normalized = normalize(path);
    const handler = this.exact.get(`${method} ${normalized}`);
    if (handler !== undefined) return { handler, params: {} };
    const segments = normalized.split('/');
    for (const route of this.patterns) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params = matchSegments(route.segments, segments);
      if (params !== undefined) return { handler: route.handler, params };
    }
    return undefined;
  }

  /** True when the path exists under another method (405 rather than 404). */
  hasPath(path: string): boolean {
    const normalized = normalize(path);
    for (const key of this.exact.keys()) if (key.slice(key.indexOf(' ') + 1) === normalized) return true;
    const segments = normalized.split('/');
    return this.patterns.some((route) => route.segments.length === segments.length && matchSegments(route.segments, segments, false) !== undefined);
  }

  /** Every registered method and path pattern (for tests that exercise each route). */
  routes(): Array<{ method: string; path: string }> {
    const listed = [...this.exact.keys()].map((key) => ({ method: key.slice(0, key.indexOf(' ')), path: key.slice(key.indexOf(' ') + 1) }));
    for (const route of this.patterns) listed.push({ method: route.method, path: route.segments.join('/') });
    return listed;
  }
}

function normalize(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function matchSegments(expected: readonly string[], actual: readonly string[], decode = true): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index++) {
    const want = expected[index] ?? '';
    const have = actual[index] ?? '';
    if (want.startsWith(':')) {
      if (have === '') return undefined;
      if (decode) params[want.slice(1)] = decodeSegment(have);
    } else if (want !== have) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayError('invalid_request', `The path segment '${segment.slice(0, 100)}' is not valid percent-encoding`);
  }
}
