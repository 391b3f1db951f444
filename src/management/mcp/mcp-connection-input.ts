import { z } from 'zod';
import { httpUrl } from '../provider-input.js';

/** Connection names never hold `__` nor end in `_`: tools are exposed as `<connection>__<tool>`. */
export const connectionName = z
  .string()
  .max(32)
  .regex(/^[a-z0-9]+(?:[_-][a-z0-9]+)*$/, 'use up to 32 lowercase letters and digits, single "_" or "-" between them')
  .describe('connection name; its tools reach the model as <connection>__<tool>');

const templated = z.string().max(16 * 1024).describe('literal text and ${secret:NAME} references, filled in at connect time');

const stdioTransport = z
  .object({
    type: z.literal('stdio'),
    command: z.string().min(1).max(1024).describe('the program (looked up on PATH)'),
    args: z.array(z.string().max(4096)).max(100).default([]),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name'), templated)
      .default({})
      .describe('the whole environment besides PATH; values may reference secrets'),
  })
  .strict();

const httpTransport = z
  .object({
    type: z.literal('streamable-http'),
    url: httpUrl,
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'an HTTP header name'), templated)
      .default({})
      .describe('sent with every request; values may reference secrets'),
  })
  .strict();

export const putConnectionInput = z
  .object({
    connection: connectionName,
    team: z.string().min(1).optional().describe('owning team (name or id); leave out for an organization-wide connection'),
    description: z.string().max(2000).default(''),
    transport: z.discriminatedUnion('type', [stdioTransport, httpTransport]),
    enabled: z.boolean().default(true),
    maxResultBytes: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024).describe('longer tool results are cut'),
  })
  .strict();

const toolChoice = z.union([
  z.string().min(1).max(256),
  z.object({ name: z.string().min(1).max(256), hash: z.string().regex(/^[0-9a-f]{64}$/).describe('the definition hash you reviewed (GET …/tools); refused if the server now says otherwise') }).strict(),
]);

export const approveToolsInput = z
  .object({ connection: connectionName, tools: z.array(toolChoice).min(1).max(1000).describe("tool names (or {name, hash}); '*' approves every tool the server lists now") })
  .strict();

export const revokeToolsInput = z.object({ connection: connectionName, tools: z.array(z.string().min(1).max(256)).min(1).max(1000) }).strict();

export type PutConnectionInput = z.output<typeof putConnectionInput>;
