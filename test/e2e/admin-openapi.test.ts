import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES, pathParameters } from '../../src/http/admin/admin-api.js';
import { openApiPath, withoutFields } from '../../src/http/admin/openapi.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

type JsonSchema = Record<string, any>;

/** Values shaped by a JSON schema (often valid, sometimes not), to compare two validators on. */
function arbitraryFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const noise = fc.oneof(fc.constant(null), fc.string({ maxLength: 5 }), fc.integer({ min: -5, max: 5 }), fc.boolean(), fc.constant([]));
  const shaped = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (Array.isArray(schema.anyOf)) return fc.oneof(...schema.anyOf.map((option: JsonSchema) => arbitraryFor(option, depth + 1)));
    switch (schema.type) {
      case 'string':
        if (schema.format === 'email') return fc.emailAddress();
        if (schema.format === 'uri') return fc.oneof(fc.webUrl(), fc.constantFrom('ftp://files.example.com', 'http://', 'not a url', ''));
        if (schema.format === 'date-time') return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((date) => date.toISOString());
        if (typeof schema.pattern === 'string') return fc.oneof(fc.stringMatching(new RegExp(schema.pattern)), fc.string({ maxLength: 8 }));
        return fc.string({ minLength: 0, maxLength: 12 });
      case 'integer':
        return fc.integer({ min: -3, max: 2_000 });
      case 'number':
        return fc.oneof(fc.double({ min: -1, max: 2_000, noNaN: true }), fc.integer({ min: 0, max: 100 }));
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(arbitraryFor(schema.items ?? {}, depth + 1), { maxLength: 3 });
      case 'object': {
        if (depth > 3) return fc.constant({});
        const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
        const required = new Set<string>(schema.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, property] of Object.entries(properties)) record[name] = arbitraryFor(property, depth + 1);
        const keys = Object.keys(record).filter((name) => required.has(name));
        const base = fc.record(record, { requiredKeys: keys });
        const additional = schema.additionalProperties;
        if (additional !== undefined && additional !== false && typeof additional === 'object') {
          return fc.tuple(base, fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), arbitraryFor(additional, depth + 1), { maxKeys: 2 })).map(([known, extra]) => ({ ...extra, ...known }));
        }
        return fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: base.map((value) => ({ ...value, unexpected: 1 })) });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return fc.oneof({ weight: 9, arbitrary: shaped }, { weight: 1, arbitrary: noise });
}

describe('the admin API description', () => {
  let server: TestServer;
  let document: JsonSchema;
  beforeAll(async () => {
    server = await startTestServer();
    const answer = await server.admin('GET', '/api/admin/openapi.json');
    expect(answer.status).toBe(200);
    document = answer.body;
  });
  afterAll(async () => server.close());

  it('describes every admin route the server answers, with its path parameters', () => {
    expect(document.openapi).toBe('3.1.0');
    const served = server.running.routes().filter((route) => route.path.startsWith('/api/admin/') && route.path !== '/api/admin/openapi.json');
    expect(served.length).toBeGreaterThan(40);
    for (const route of served) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const declared = (operation.parameters ?? []).filter((parameter: { in: string }) => parameter.in === 'path').map((parameter: { name: string }) => parameter.name);
      expect(declared).toEqual(pathParameters(route.path));
    }
    // And nothing described that is not served.
    const count = Object.values(document.paths).reduce((sum: number, methods) => sum + Object.keys(methods as object).length, 0);
    expect(count).toBe(served.length);
  });

  it('accepts exactly the bodies the routes accept: the document and the validators agree on random inputs', () => {
    const ajv = new Ajv2020.default({ strict: false });
    addFormats.default(ajv);
    const operations = new Map(server.running.operations.map((operation) => [operation.id, operation]));
    let compared = 0;
    for (const route of ADMIN_ROUTES.filter((entry) => entry.method !== 'GET' && entry.method !== 'DELETE')) {
      const schema = document.paths[openApiPath(route.path)][route.method.toLowerCase()].requestBody.content['application/json'].schema as JsonSchema;
      const operation = operations.get(route.operation);
      if (operation === undefined) throw new Error(`no operation ${route.operation}`);
      const validator = withoutFields(operation.input, pathParameters(route.path));
      const documented = ajv.compile(schema);
      fc.assert(
        fc.property(arbitraryFor(schema), (body) => {
          const zodAccepts = validator.safeParse(body).success;
          expect(documented(body), `${route.method} ${route.path} ${JSON.stringify(body)}`).toBe(zodAccepts);
        }),
        { numRuns: 150 },
      );
      compared++;
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('refuses, at the route, a body field the document does not describe', async () => {
    const answer = await server.admin('POST', '/api/admin/teams', { name: 'ok-name', colour: 'blue' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/colour/);
  });
});
