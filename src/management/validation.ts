import type { z } from 'zod';
import { GatewayError } from '../canonical/gateway-error.js';

/** Parses management input, turning every zod issue into one readable 400. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    return `${path}${issue.message}`;
  });
  const [first] = result.error.issues;
  return raise(issues.join('; '), first?.path.join('.'));
}

function raise(message: string, param: string | undefined): never {
  throw new GatewayError('invalid_request', message, param === undefined || param === '' ? {} : { param });
}
