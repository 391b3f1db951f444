import type { z } from 'zod';
import type { AgentTool } from '../agents/tool-source.js';
import { isOrgAdmin } from '../governance/permissions.js';
import type { Principal } from '../governance/principal.js';
import { inputJsonSchema } from '../management/json-schema.js';
import type { AnyOperation } from '../management/operation.js';

/**
 * The Admin Agent's tools: the management operations themselves, described by the very zod schemas
 * the REST API validates with. Nothing here runs an operation; it says how each one is offered.
 */

/**
 * Where a read's result comes from, which decides whether reading it taints the turn:
 * `config` is what the organization's admins wrote; `identifiers` is config carrying names that
 * came from outside (model lists, worker names), shown only when they are plain identifiers;
 * `outside` holds text anyone could have written (request records, MCP servers, model output).
 */
export type Provenance = 'config' | 'identifiers' | 'outside';

export interface AdminTool extends AgentTool {
  operation: AnyOperation;
  provenance: Provenance;
  /** Input fields holding a secret: the model names a slot (`<field>Slot`), never a value. */
  secretFields: readonly string[];
}

/** Operations the agent is not given: raw prompts are other people's data, not configuration. */
const WITHHELD = new Set(['audit.requestBody']);

const OUTSIDE = new Set(['audit.requests', 'audit.request', 'audit.changes', 'usage.query', 'agents.runs.list', 'mcp.tools.list', 'skills.get', 'config.export', 'platform.validate']);
const IDENTIFIERS = new Set(['providers.list', 'providers.get', 'workers.list']);

const SECRET_FIELDS: Record<string, readonly string[]> = {
  'providers.create': ['apiKey'],
  'providers.update': ['apiKey'],
  'secrets.put': ['value'],
};

export const SLOT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `teams.setPolicy` → `teams_setPolicy`: tool names allow no dots. */
export function toolNameOf(operationId: string): string {
  return operationId.replaceAll('.', '_');
}

export function adminTools(operations: readonly AnyOperation[]): AdminTool[] {
  return operations
    .filter((operation) => !WITHHELD.has(operation.id))
    .map((operation) => {
      const secretFields = SECRET_FIELDS[operation.id] ?? [];
      const provenance: Provenance = OUTSIDE.has(operation.id) ? 'outside' : IDENTIFIERS.has(operation.id) ? 'identifiers' : 'config';
      const note = operation.kind === 'change' ? ' [proposes a change: it is added to the plan the person confirms, nothing changes now]' : '';
      return {
        name: toolNameOf(operation.id),
        description: `${operation.summary}${note}`,
        inputSchema: schemaOf(operation.input, secretFields),
        operation,
        provenance,
        secretFields,
      };
    });
}

/** What this person is offered: people without admin rights anywhere get the reads only. */
export function toolsFor(tools: readonly AdminTool[], principal: Principal): AdminTool[] {
  const mayChange = isOrgAdmin(principal) || principal.teamAdminOf.size > 0;
  return mayChange ? [...tools] : tools.filter((tool) => tool.operation.kind === 'read');
}

function schemaOf(input: z.ZodObject, secretFields: readonly string[]): Record<string, unknown> {
  const schema = inputJsonSchema(input) as Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };
  if (secretFields.length === 0) return schema;
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([field]) => !secretFields.includes(field)));
  const required = (schema.required ?? []).filter((field) => !secretFields.includes(field));
  for (const field of secretFields) {
    properties[`${field}Slot`] = {
      type: 'string',
      pattern: SLOT_NAME.source,
      description: `The name of a secret slot for ${field} (e.g. "anthropic-api-key"). The person enters the value out of band; you never see it and must never ask for it in the chat.`,
    };
  }
  return { ...schema, properties, required };
}
