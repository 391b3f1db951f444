import { type z } from 'zod';
import type { AnyOperation } from '../../management/operation.js';
import { inputJsonSchema } from '../../management/json-schema.js';
import { pathParameters, type AdminRoute } from './admin-api.js';

type JsonSchema = Record<string, unknown>;

/** Routes served outside the operation table (streamed exports, this document), described by hand-picked schemas. */
/** A route not generated from one operation (streamed exports, the Admin Agent's conversations). */
export interface ExtraRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  summary: string;
  query?: z.ZodObject;
  /** The JSON body the route validates with. */
  body?: z.ZodObject;
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { type: { type: 'string' }, message: { type: 'string' }, param: { type: 'string' } }, required: ['type', 'message'] } },
  required: ['error'],
};

/**
 * The OpenAPI 3.1 document of `/api/admin`, generated from the route table and the very zod
 * schemas the routes validate with: path parameters from the route pattern, the rest of the
 * operation's input as the JSON body (or, for GET and DELETE, as query parameters).
 */
export function openApiDocument(routes: readonly AdminRoute[], operations: ReadonlyMap<string, AnyOperation>, extras: readonly ExtraRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = operations.get(route.operation);
    if (operation === undefined) throw new Error(`route ${route.method} ${route.path} names unknown operation ${route.operation}`);
    const params = pathParameters(route.path);
    const rest = withoutFields(operation.input, params);
    const bodyless = route.method === 'GET' || route.method === 'DELETE';
    const parameters: unknown[] = params.map((name) => ({ name, in: 'path', required: true, schema: propertySchema(operation.input, name) }));
    if (bodyless) parameters.push(...queryParameters(rest));
    const success = route.status ?? 200;
    paths[openApiPath(route.path)] ??= {};
    (paths[openApiPath(route.path)] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: operation.id,
      summary: operation.summary,
      tags: [operation.id.split('.')[0]],
      'x-auxot-kind': operation.kind,
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(bodyless ? {} : { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(rest) } } } }),
      responses: {
        [String(success)]: { description: 'Success (lists come as `{data: [...]}`; nothing to return is 204)' },
        '204': { description: 'Done, nothing to return' },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  for (const extra of extras) {
    paths[extra.path] ??= {};
    const parameters = [...pathParameters(extra.path.replace(/\{([A-Za-z]+)\}/g, ':$1')).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })), ...(extra.query === undefined ? [] : queryParameters(extra.query))];
    (paths[extra.path] as Record<string, unknown>)[extra.method.toLowerCase()] = {
      operationId: `${extra.method.toLowerCase()}.${extra.path.split('/').slice(3).join('.')}`,
      summary: extra.summary,
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(extra.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(extra.body) } } } }),
      responses: { ...extra.responses, default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Auxot management API', version, description: 'Send an API key as `Authorization: Bearer <key>` or `x-api-key`. What a key may do follows its holder: owners and admins manage everything, team admins their teams, members their own keys and usage.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: { Error: ERROR_SCHEMA },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
  };
}

/** `/teams/:team` → `/teams/{team}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

export function inputSchema(schema: z.ZodObject): JsonSchema {
  return inputJsonSchema(schema);
}

function propertySchema(schema: z.ZodObject, name: string): JsonSchema {
  const properties = (inputSchema(schema).properties ?? {}) as Record<string, JsonSchema>;
  return properties[name] ?? { type: 'string' };
}

function queryParameters(schema: z.ZodObject): unknown[] {
  const json = inputSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

/** The schema without the fields the path gives. */
export function withoutFields(schema: z.ZodObject, names: readonly string[]): z.ZodObject {
  const mask: Record<string, true> = {};
  for (const name of names) if (name in schema.shape) mask[name] = true;
  return schema.omit(mask as never);
}
