/**
 * What each change operation does to the configuration, as the plan needs to know it: how to read
 * the state it is about to change (for the readable diff and for undo), and the operation that
 * puts that state back. An operation without an inverse is applied like any other; undo then says
 * it cannot be reversed (a deleted provider's key, a revoked key, are gone for good).
 */

/** Runs a read operation as the person; throws when they may not or the thing does not exist. */
export type Reader = (operationId: string, input: Record<string, unknown>) => Promise<unknown>;

export type Inverse = { operation: string; input: Record<string, unknown> } | { cannot: string };

export interface Effect {
  /** The configuration this change replaces, or null when it creates something new. */
  current?(read: Reader, input: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  inverse(input: Record<string, unknown>, before: Record<string, unknown> | null, result: unknown): Inverse;
}

type Input = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const asRecord = (value: unknown): Input | null => (value !== null && typeof value === 'object' ? (value as Input) : null);
const field = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((at, key) => asRecord(at)?.[key], value);

/** Reads, with "not found" (or not visible) read as "nothing there yet". */
const orNull = async (read: () => Promise<unknown>): Promise<Input | null> => {
  try {
    return asRecord(await read());
  } catch {
    return null;
  }
};

const pick = (source: Input, keys: readonly string[]): Input => Object.fromEntries(keys.filter((key) => source[key] !== undefined && source[key] !== null).map((key) => [key, source[key]]));

const gone = (what: string): Inverse => ({ cannot: what });

/** Undo of a put: delete what was new, put back what was there. */
function putEffect(read: (read: Reader, input: Input) => Promise<Input | null>, remove: (input: Input) => Inverse, restore: (before: Input, input: Input) => Inverse): Effect {
  return { current: read, inverse: (input, before) => (before === null ? remove(input) : restore(before, input)) };
}

const AGENT_FIELDS = ['description', 'personality', 'skills', 'contextFiles', 'mcp', 'model', 'maxSteps', 'toolTimeoutMs'];
const scopeOf = (view: Input): Input => (view.scope === undefined ? {} : { scope: view.scope });

export const EFFECTS: Record<string, Effect> = {
  'providers.create': { inverse: (input) => ({ operation: 'providers.delete', input: { provider: input.name } }) },
  'providers.update': {
    current: (read, input) => orNull(() => read('providers.get', { provider: input.provider })),
    inverse: (input, before) => {
      if (before === null) return gone('the provider could not be read before the change');
      if (input.baseUrl !== undefined || input.apiKey !== undefined) return gone("a provider's key cannot be restored (it was never readable)");
      return { operation: 'providers.update', input: { provider: input.provider, ...pick(before, ['tier', 'models', 'settings', 'enabled']) } };
    },
  },
  'providers.delete': { current: (read, input) => orNull(() => read('providers.get', { provider: input.provider })), inverse: () => gone("a deleted provider's key is gone") },
  'routes.put': putEffect(
    async (read, input) => asRecord(((await read('routes.list', {})) as Input[]).find((route) => route.name === input.route) ?? null),
    (input) => ({ operation: 'routes.delete', input: { route: input.route } }),
    (before, input) => ({ operation: 'routes.put', input: { route: input.route, candidates: before.candidates } }),
  ),
  'routes.delete': {
    current: async (read, input) => asRecord(((await read('routes.list', {})) as Input[]).find((route) => route.name === input.route) ?? null),
    inverse: (input, before) => (before === null ? gone('the route did not exist') : { operation: 'routes.put', input: { route: input.route, candidates: before.candidates } }),
  },
  'teams.create': { inverse: (input) => ({ operation: 'teams.delete', input: { team: input.name } }) },
  'teams.update': {
    current: (read, input) => orNull(() => read('teams.get', { team: input.team })),
    inverse: (input, before) => (before === null ? gone('the team could not be read') : { operation: 'teams.update', input: { team: input.team, description: before.description ?? '' } }),
  },
  'teams.setPolicy': {
    current: (read, input) => orNull(() => read('teams.get', { team: input.team })),
    inverse: (input, before) => (before === null ? gone('the team could not be read') : { operation: 'teams.setPolicy', input: { team: input.team, policy: before.policy ?? {} } }),
  },
  'teams.setLimits': {
    current: (read, input) => orNull(() => read('teams.get', { team: input.team })),
    inverse: (input, before) => (before === null ? gone('the team could not be read') : { operation: 'teams.setLimits', input: { team: input.team, limits: before.limits ?? {} } }),
  },
  'teams.delete': { current: (read, input) => orNull(() => read('teams.get', { team: input.team })), inverse: () => gone("a deleted team's keys stay revoked") },
  'users.create': { inverse: (input) => ({ operation: 'users.delete', input: { user: input.email } }) },
  'users.delete': { inverse: () => gone("a deleted person's keys stay revoked") },
  'serviceAccounts.create': { inverse: (input) => ({ operation: 'serviceAccounts.delete', input: { serviceAccount: `${str(input.team)}/${str(input.name)}` } }) },
  'serviceAccounts.delete': { inverse: () => gone("a deleted service account's keys stay revoked") },
  'keys.create': {
    inverse: (_input, _before, result) => {
      const id = field(result, 'apiKey', 'id');
      return typeof id === 'string' ? { operation: 'keys.revoke', input: { key: id } } : gone('the new key’s id is unknown');
    },
  },
  'keys.revoke': { inverse: () => gone('a revoked key cannot be brought back (make a new one)') },
  'workerKeys.create': {
    inverse: (_input, _before, result) => {
      const id = field(result, 'workerKey', 'id');
      return typeof id === 'string' ? { operation: 'workerKeys.revoke', input: { key: id } } : gone('the new worker key’s id is unknown');
    },
  },
  'workerKeys.revoke': { inverse: () => gone('a revoked worker key cannot be brought back') },
  'agents.put': putEffect(
    (read, input) => orNull(() => read('agents.get', { agent: input.agent })),
    (input) => ({ operation: 'agents.delete', input: { agent: input.agent } }),
    (before, input) => ({ operation: 'agents.put', input: { agent: input.agent, ...(before.team === null ? {} : { team: before.team }), ...pick(before, AGENT_FIELDS) } }),
  ),
  'agents.delete': {
    current: (read, input) => orNull(() => read('agents.get', { agent: input.agent })),
    inverse: (input, before) => (before === null ? gone('the agent did not exist') : { operation: 'agents.put', input: { agent: input.agent, ...(before.team === null ? {} : { team: before.team }), ...pick(before, AGENT_FIELDS) } }),
  },
  'skills.put': putEffect(
    (read, input) => orNull(() => read('skills.get', { skill: input.skill, ...scopeOf(input) })),
    (input) => ({ operation: 'skills.delete', input: { skill: input.skill, ...scopeOf(input) } }),
    (before, input) => ({ operation: 'skills.put', input: { skill: input.skill, ...scopeOf(input), ...pick(before, ['description', 'body', 'files', 'alwaysOn']) } }),
  ),
  'contextFiles.put': putEffect(
    (read, input) => orNull(() => read('contextFiles.get', { contextFile: input.contextFile, ...scopeOf(input) })),
    (input) => ({ operation: 'contextFiles.delete', input: { contextFile: input.contextFile, ...scopeOf(input) } }),
    (before, input) => ({ operation: 'contextFiles.put', input: { contextFile: input.contextFile, ...scopeOf(input), content: before.content } }),
  ),
  'mcp.put': putEffect(
    (read, input) => orNull(() => read('mcp.get', { connection: input.connection })),
    (input) => ({ operation: 'mcp.delete', input: { connection: input.connection } }),
    () => gone('a replaced MCP connection loses its tool approvals; put it back by hand'),
  ),
  'mcp.delete': { inverse: () => gone('a deleted MCP connection loses its tool approvals') },
  'mcp.tools.approve': {
    inverse: (input) => {
      const tools = Array.isArray(input.tools) ? input.tools.map((tool) => (typeof tool === 'string' ? tool : str(field(tool, 'name')))) : [];
      return tools.includes('*') ? gone('approving every tool cannot be undone tool by tool') : { operation: 'mcp.tools.revoke', input: { connection: input.connection, tools } };
    },
  },
  'secrets.put': {
    current: async (read, input) => asRecord(((await read('secrets.list', {})) as Input[]).find((secret) => secret.name === input.secret && (input.scope === undefined || secret.scope === input.scope)) ?? null),
    inverse: (input, before) => (before === null ? { operation: 'secrets.delete', input: pick(input, ['secret', 'scope']) } : gone('a replaced secret’s old value is not kept')),
  },
  'settings.update': {
    current: (read) => orNull(() => read('settings.get', {})),
    // A setting that was not set goes back to null (unset), which the settings schema accepts.
    inverse: (input, before) => (before === null ? gone('the settings could not be read') : { operation: 'settings.update', input: Object.fromEntries(Object.keys(input).map((key) => [key, before[key] ?? null])) }),
  },
};

/** The banner a high-risk change carries in the plan (step-up: the person should look twice). */
export function riskOf(operation: string, input: Input): string | undefined {
  if ((operation === 'providers.create' || operation === 'providers.update') && input.baseUrl !== undefined) return `sends traffic (and its key) to ${str(input.baseUrl)}`;
  if (operation === 'keys.create') return 'creates an API key';
  if (operation === 'workerKeys.create') return 'creates a worker key';
  if (operation === 'mcp.put') return 'connects an MCP server agents can call';
  if (operation === 'teams.setLimits' || operation === 'teams.setPolicy') return 'changes what a team may do';
  if (operation === 'settings.update') return 'changes organization settings';
  if ((operation === 'users.create' || operation === 'users.update' || operation === 'teams.members.put') && ['owner', 'admin'].includes(str(input.role))) return `grants the ${str(input.role)} role`;
  if (operation.endsWith('.delete') || operation.endsWith('.revoke')) return 'removes something that cannot all be undone';
  return undefined;
}
