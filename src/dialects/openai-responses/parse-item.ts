import { z } from 'zod';
import type { GatewayError } from '../../canonical/gateway-error.js';
import { errorFromZod } from '../openai-chat/request-error.js';

export type ItemPath = Array<string | number>;

/**
 * Parses one piece of the body (an input item, a tool) with its own schema and reports a failure
 * against the whole body, so the caller reads `input[3].call_id` rather than `call_id`.
 */
export function parseAt<T>(schema: z.ZodType<T>, value: unknown, path: ItemPath, body: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw atPath(result.error, path, body);
}

function atPath(error: z.ZodError, path: ItemPath, body: unknown): GatewayError {
  const issues = error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] }));
  return errorFromZod(new z.ZodError(issues), body);
}
