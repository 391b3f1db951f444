import { z } from 'zod';

/**
 * The JSON Schema of what a management input accepts (zod's input side, without `$schema`): what
 * the OpenAPI document publishes and the Admin Agent's tools are described with, from one schema.
 */
export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  void $schema;
  return rest;
}
