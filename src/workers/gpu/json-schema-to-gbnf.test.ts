import { describe, expect, test } from 'vitest';
import { toGbnfSchema } from './json-schema-to-gbnf.js';

const anyJson = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array' }, { type: 'object', additionalProperties: true }],
};

describe('toGbnfSchema', () => {
  test('a tool schema keeps its properties, enums, bounds and descriptions and drops what a grammar cannot enforce', () => {
    expect(
      toGbnfSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        required: ['unit'],
        properties: {
          unit: { type: 'string', enum: ['c', 'f'], description: 'Unit' },
          city: { type: 'string', maxLength: 12, minLength: 1, pattern: '^[A-Z]' },
          when: { type: 'string', format: 'date' },
          email: { type: 'string', format: 'email' },
          days: { type: 'integer', minimum: 1 },
          tags: { type: 'array', items: { type: 'string', maxLength: 3 }, maxItems: 2 },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        unit: { enum: ['c', 'f'], description: 'Unit' },
        city: { type: 'string', minLength: 1, maxLength: 12 },
        when: { type: 'string', format: 'date' },
        email: { type: 'string' },
        days: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string', maxLength: 3 }, maxItems: 2 },
      },
      additionalProperties: false,
    });
  });

  test('anyOf and type unions become oneOf (node-llama-cpp would read them as null)', () => {
    expect(toGbnfSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      oneOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(toGbnfSchema({ type: ['string', 'null'], maxLength: 4 })).toEqual({
      oneOf: [{ type: 'string', maxLength: 4 }, { type: 'null' }],
    });
    expect(toGbnfSchema({ type: ['integer'] })).toEqual({ type: 'integer' });
  });

  test('schemas that allow anything become any JSON value', () => {
    expect(toGbnfSchema({})).toEqual(anyJson);
    expect(toGbnfSchema(true)).toEqual(anyJson);
    expect(toGbnfSchema({ enum: [{ a: 1 }] })).toEqual(anyJson);
    expect(toGbnfSchema({ type: 'object' })).toEqual({ type: 'object', properties: {}, additionalProperties: true });
  });

  test('additionalProperties follows the schema when given', () => {
    expect(toGbnfSchema({ type: 'object', additionalProperties: { type: 'number' } })).toEqual({
      type: 'object',
      properties: {},
      additionalProperties: { type: 'number' },
    });
    expect(toGbnfSchema({ properties: { a: { const: 1 } }, additionalProperties: true })).toEqual({
      type: 'object',
      properties: { a: { const: 1 } },
      additionalProperties: true,
    });
  });

  test('definitions refs are rewritten to $defs and the definitions travel with the root', () => {
    expect(
      toGbnfSchema({
        type: 'object',
        properties: { point: { $ref: '#/definitions/Point' }, other: { allOf: [{ $ref: '#/$defs/Point' }], description: 'x' } },
        definitions: { Point: { type: 'object', properties: { x: { type: 'number' } } } },
      }),
    ).toEqual({
      type: 'object',
      properties: { point: { $ref: '#/$defs/Point' }, other: { $ref: '#/$defs/Point', description: 'x' } },
      additionalProperties: false,
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' } }, additionalProperties: false } },
    });
  });

  test('allOf members are merged', () => {
    expect(
      toGbnfSchema({
        allOf: [
          { type: 'object', properties: { a: { type: 'string', maxLength: 2 } } },
          { properties: { b: { type: 'boolean' } } },
        ],
      }),
    ).toEqual({
      type: 'object',
      properties: { a: { type: 'string', maxLength: 2 }, b: { type: 'boolean' } },
      additionalProperties: false,
    });
  });
});
