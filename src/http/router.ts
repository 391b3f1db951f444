import type { IncomingMessage, ServerResponse } from 'node:http';

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

  match(method: string, path: string): RouteMatch | undefined {
    const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const handler = this.exact.get(`${method} ${normalized}`);
    if (handler !== undefined) return { handler, params: {} };
    const segments = normalized.split('/');
    for (const route of this.patterns) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let index = 0; index < segments.length && matched; index++) {
        const expected = route.segments[index] ?? '';
        const actual = segments[index] ?? '';
        if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(actual);
        else matched = expected === actual;
      }
      if (matched) return { handler: route.handler, params };
    }
    return undefined;
  }

  /** True when the path exists under another method (405 rather than 404). */
  hasPath(path: string): boolean {
    for (const key of this.exact.keys()) if (key.slice(key.indexOf(' ') + 1) === path) return true;
    return false;
  }
}
