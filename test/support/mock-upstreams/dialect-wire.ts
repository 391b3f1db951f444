import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { ResolvedTurn, TurnIds } from './resolved-turn.js';
import type { MockDialect } from './types.js';

export type Endpoint = 'chat' | 'responses' | 'embeddings' | 'models' | 'count-tokens';

export interface ErrorDetails {
  status: number;
  requestId: string;
  message?: string;
  /** Overrides the type the status implies. */
  type?: string;
}

/** Everything that differs between the two vendors' HTTP surfaces; the server is written once against it. */
export interface DialectWire {
  readonly dialect: MockDialect;
  /** What `baseUrl` appends to the origin (the openai SDK convention includes `/v1`, the anthropic one does not). */
  readonly basePath: string;
  readonly defaultModels: readonly string[];
  route(method: string, pathname: string): Endpoint | undefined;
  isAuthorized(headers: IncomingHttpHeaders, key: string): boolean;
  ids(sequence: number): TurnIds & { request: string };
  /** Headers on every answer the mock writes (raw scenarios excepted). */
  headers(requestId: string): Record<string, string>;
  /** Request body shape the vendor rejects with 400 when violated. */
  readonly chatBodySchema: z.ZodType;
  streamEvents(turn: ResolvedTurn, body: unknown): string[];
  resultBody(turn: ResolvedTurn, body?: unknown): Record<string, unknown>;
  errorBody(details: ErrorDetails): Record<string, unknown>;
  notFoundMessage(method: string, path: string): string;
  unauthorizedMessage: string;
  /** The in-stream error frame for failures after the 200. */
  inStreamError(type: string | undefined, message: string | undefined, at?: { turn: ResolvedTurn; body: unknown; sequence: number }): string;
  /** Status for an error scripted as in-stream when the request was not streaming. */
  statusForErrorType(type: string | undefined): number;
  modelsBody(ids: readonly string[]): Record<string, unknown>;
}

/** Reads the zod issue the way the vendors phrase theirs: `field: problem`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'Invalid request body';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  return header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : undefined;
}
