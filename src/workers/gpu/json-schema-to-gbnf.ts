import type { GbnfJsonSchema } from 'node-llama-cpp';
import { isJsonObject, type JsonObject, type JsonValue } from '../../canonical/json.js';

/**
 * Rewrites a caller's JSON Schema into the subset node-llama-cpp turns into a grammar.
 *
 * node-llama-cpp reads only its own keywords and quietly turns anything else into `null`: an
 * `anyOf`, a schema with no `type`, or `{}` ("any value") would all force the model to write `null`.
 * So `anyOf` becomes `oneOf`, a missing type becomes "any JSON value", multi-type unions become
 * `oneOf`, `definitions` refs become `$defs` refs, and keywords it cannot enforce (pattern,
 * minimum, ...) are dropped. Two limits stay: every declared property is generated (it ignores
 * `required`), and an object that declares properties gets no others unless
 * `additionalProperties` says so. Both still produce arguments the original schema accepts.
 * @see https://node-llama-cpp.withcat.ai/guide/grammar#json-schema
 */
export function toGbnfSchema(schema: JsonValue): GbnfJsonSchema {
  const converted = convert(schema);
  if (!isJsonObject(schema)) return converted;
  const defs = { ...asObject(schema['definitions']), ...asObject(schema['$defs']) };
  const names = Object.keys(defs);
  if (names.length === 0 || !acceptsDefs(converted)) return converted;
  const $defs = Object.fromEntries(names.map((name) => [name, convert(defs[name] ?? true)]));
  return { ...converted, $defs } as GbnfJsonSchema;
}

const anyJson: GbnfJsonSchema = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'array' },
    { type: 'object', additionalProperties: true },
  ],
};

const basicTypes = new Set(['number', 'integer', 'boolean', 'null']);
const stringFormats = new Set(['date-time', 'time', 'date']);

function convert(schema: JsonValue): GbnfJsonSchema {
  if (!isJsonObject(schema)) return anyJson;
  const withDescription = (converted: GbnfJsonSchema): GbnfJsonSchema =>
    typeof schema['description'] === 'string'
      ? ({ ...converted, description: schema['description'] } as GbnfJsonSchema)
      : converted;
  return withDescription(convertKeywords(schema));
}

function convertKeywords(schema: JsonObject): GbnfJsonSchema {
  const ref = schema['$ref'];
  if (typeof ref === 'string') return { $ref: ref.replace('#/definitions/', '#/$defs/') } as GbnfJsonSchema;
  const allOf = schema['allOf'];
  if (Array.isArray(allOf)) return convert(mergeAllOf(schema, allOf));
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(alternatives)) return { oneOf: alternatives.map(convert) };
  if ('const' in schema) return literals([schema['const'] ?? null]);
  const values = schema['enum'];
  if (Array.isArray(values)) return literals(values);
  const type = schema['type'];
  if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === 'string');
    if (types.length === 1 && types[0] !== undefined) return convertType(schema, types[0]);
    return { oneOf: types.map((entry) => convertType(schema, entry)) };
  }
  if (typeof type === 'string') return convertType(schema, type);
  if (isJsonObject(schema['properties'])) return convertType(schema, 'object');
  if (schema['items'] !== undefined || Array.isArray(schema['prefixItems'])) return convertType(schema, 'array');
  return anyJson;
}

function convertType(schema: JsonObject, type: string): GbnfJsonSchema {
  if (type === 'string') return convertString(schema);
  if (type === 'object') return convertObject(schema);
  if (type === 'array') return convertArray(schema);
  if (basicTypes.has(type)) return { type } as GbnfJsonSchema;
  return anyJson;
}

function convertString(schema: JsonObject): GbnfJsonSchema {
  const format = schema['format'];
  if (typeof format === 'string' && stringFormats.has(format)) {
    return { type: 'string', format: format as 'date-time' | 'time' | 'date' };
  }
  return { type: 'string', ...count(schema, 'minLength'), ...count(schema, 'maxLength') };
}

function convertObject(schema: JsonObject): GbnfJsonSchema {
  const properties = asObject(schema['properties']);
  const names = Object.keys(properties);
  const additional = schema['additionalProperties'];
  const additionalProperties =
    typeof additional === 'boolean'
      ? additional
      : isJsonObject(additional)
        ? convert(additional)
        : // JSON Schema's default is "anything goes"; keep it for free-form objects only.
          names.length === 0;
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, convert(properties[name] ?? true)])),
    additionalProperties,
    ...count(schema, 'minProperties'),
    ...count(schema, 'maxProperties'),
  };
}

function convertArray(schema: JsonObject): GbnfJsonSchema {
  const items = schema['items'];
  const prefixItems = schema['prefixItems'];
  return {
    type: 'array',
    ...(isJsonObject(items) ? { items: convert(items) } : {}),
    ...(Array.isArray(prefixItems) ? { prefixItems: prefixItems.map(convert) } : {}),
    ...count(schema, 'minItems'),
    ...count(schema, 'maxItems'),
  };
}

function literals(values: JsonValue[]): GbnfJsonSchema {
  const primitives = values.filter(
    (value): value is string | number | boolean | null => value === null || typeof value !== 'object',
  );
  if (primitives.length !== values.length || primitives.length === 0) return anyJson;
  return primitives.length === 1 ? { const: primitives[0] ?? null } : { enum: primitives };
}

/** `allOf` members merged into one schema, properties unioned: enough for the usual `allOf: [{$ref}]`. */
function mergeAllOf(schema: JsonObject, members: JsonValue[]): JsonObject {
  const { allOf: _allOf, ...rest } = schema;
  let merged: JsonObject = rest;
  for (const member of members) {
    if (!isJsonObject(member)) continue;
    const properties = { ...asObject(merged['properties']), ...asObject(member['properties']) };
    merged = { ...merged, ...member, ...(Object.keys(properties).length > 0 ? { properties } : {}) };
  }
  return merged;
}

function count(schema: JsonObject, key: string): Record<string, number> {
  const value = schema[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? { [key]: value } : {};
}

function asObject(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}

function acceptsDefs(schema: GbnfJsonSchema): boolean {
  return 'oneOf' in schema || ('type' in schema && (schema.type === 'object' || schema.type === 'array'));
}
