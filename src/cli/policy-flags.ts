import { InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { z } from 'zod';
import { policySchema, type Policy } from '../governance/policy.js';
import { UsageError } from './cli-errors.js';
import { commaList, strictBoolean } from './options.js';

/**
 * The policy flags, made from the policy schema itself: one flag per field (`requestsPerMinute` is
 * `--requests-per-minute`), its help from the field's description, and every value checked by the
 * field's own zod schema, so the CLI refuses (exit 2) exactly what the API would refuse and a new
 * policy field gets its flag without touching the CLI.
 */
export type PolicyField = keyof Policy;

export const POLICY_FIELDS = Object.keys(policySchema.shape) as PolicyField[];

type JsonSchema = Record<string, unknown>;

interface FieldShape {
  kind: 'list' | 'number' | 'boolean' | 'choice';
  schema: z.ZodType;
  /** The values an enum (or a list of one) takes. */
  choices: readonly string[] | undefined;
  /** What a valid value is, in words: `a whole number greater than 0`. */
  expected: string;
  description: string;
}

/** `requestsPerMinute` → `requests-per-minute`. */
export function flagName(field: PolicyField): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A field named as its flag (`requests-per-minute`, with or without `--`) or as in the API (`requestsPerMinute`). */
export function policyField(name: string): PolicyField {
  const bare = name.replace(/^--/, '');
  const field = POLICY_FIELDS.find((candidate) => candidate === bare || flagName(candidate) === bare);
  if (field === undefined) throw new UsageError(`'${name}' is not a policy field; the fields are ${POLICY_FIELDS.map(flagName).join(', ')}`);
  return field;
}

/** The policy flags, each parsed and checked by its field's schema; `exclude` leaves out fields a command sets another way. */
export function addPolicyOptions<C extends CommandUnknownOpts>(command: C, exclude: readonly PolicyField[] = []): C {
  for (const field of POLICY_FIELDS) {
    if (exclude.includes(field)) continue;
    const shape = shapeOf(field);
    const option = new Option(`--${flagName(field)} <${placeholder(field, shape)}>`, `policy ${field}: ${shape.description}${hint(shape)}`);
    if (shape.kind === 'choice' && shape.choices !== undefined) option.choices(shape.choices);
    else option.argParser((value: string) => parseField(field, shape, value));
    command.addOption(option);
  }
  return command;
}

/** The policy fields the options carry (what was given on the command line, nothing else); `exclude` as for addPolicyOptions. */
export function policyFromOptions(options: object, exclude: readonly PolicyField[] = []): Policy {
  const values = options as Record<string, unknown>;
  const policy: Record<string, unknown> = {};
  for (const field of POLICY_FIELDS) if (!exclude.includes(field) && values[field] !== undefined) policy[field] = values[field];
  return checkedPolicy(policy);
}

/** A whole policy checked by the schema the API uses; a refusal names the flags. */
export function checkedPolicy(policy: unknown): Policy {
  const result = policySchema.safeParse(policy);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const [field] = issue.path;
    return typeof field === 'string' && (POLICY_FIELDS as string[]).includes(field) ? `--${flagName(field as PolicyField)}: ${issue.message}` : issue.message;
  });
  throw new UsageError(`invalid policy: ${issues.join('; ')}`);
}

function shapeOf(field: PolicyField): FieldShape {
  const schema = policySchema.shape[field].unwrap() as z.ZodType;
  const json = z.toJSONSchema(schema) as JsonSchema;
  const description = typeof json.description === 'string' ? json.description : field;
  if (json.type === 'array') {
    const items = (json.items ?? {}) as JsonSchema;
    const choices = Array.isArray(items.enum) ? (items.enum as string[]) : undefined;
    return { kind: 'list', schema, choices, expected: choices === undefined ? 'a comma-separated list' : `a comma-separated list of ${choices.join(', ')}`, description };
  }
  if (json.type === 'boolean') return { kind: 'boolean', schema, choices: undefined, expected: 'true or false', description };
  if (Array.isArray(json.enum)) return { kind: 'choice', schema, choices: json.enum as string[], expected: `one of ${(json.enum as string[]).join(', ')}`, description };
  if (json.type === 'integer' || json.type === 'number') return { kind: 'number', schema, choices: undefined, expected: numberWords(json), description };
  throw new Error(`policy field ${field} has a type the CLI cannot read (${JSON.stringify(json.type)})`);
}

/** `a whole number greater than 0`, `a number greater than 0 and at most 1`, from the field's JSON schema. */
function numberWords(json: JsonSchema): string {
  const bounds: string[] = [];
  if (typeof json.exclusiveMinimum === 'number') bounds.push(`greater than ${json.exclusiveMinimum}`);
  if (typeof json.minimum === 'number') bounds.push(`at least ${json.minimum}`);
  // zod gives integers the largest safe integer as maximum: not a bound anyone means.
  if (typeof json.maximum === 'number' && json.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`at most ${json.maximum}`);
  if (typeof json.exclusiveMaximum === 'number') bounds.push(`less than ${json.exclusiveMaximum}`);
  return `${json.type === 'integer' ? 'a whole number' : 'a number'}${bounds.length === 0 ? '' : ` ${bounds.join(' and ')}`}`;
}

function placeholder(field: PolicyField, shape: FieldShape): string {
  if (shape.kind === 'list') return 'list';
  if (shape.kind === 'boolean') return 'boolean';
  if (shape.kind === 'choice') return 'value';
  if (field.endsWith('Usd')) return 'usd';
  return shape.expected.startsWith('a whole number') ? 'n' : 'number';
}

function hint(shape: FieldShape): string {
  if (shape.kind === 'list') {
    const { choices } = shape;
    return choices === undefined || choices.every((choice) => shape.description.includes(choice)) ? ' (comma-separated)' : ` (comma-separated: ${choices.join(', ')})`;
  }
  if (shape.kind === 'number') return ` (${shape.expected})`;
  if (shape.kind === 'boolean') return ' (true or false)';
  return '';
}

function parseField(field: PolicyField, shape: FieldShape, raw: string): unknown {
  let value: unknown;
  try {
    if (shape.kind === 'list') value = commaList(raw);
    else if (shape.kind === 'boolean') value = strictBoolean(raw);
    else if (/^\s*\d+(\.\d+)?\s*$/.test(raw) || /^\s*\.\d+\s*$/.test(raw)) value = Number(raw);
    else throw new InvalidArgumentError(`expected ${shape.expected}.`);
  } catch (error) {
    if (error instanceof InvalidArgumentError && shape.kind === 'list') throw new InvalidArgumentError(`expected ${shape.expected} (to remove the rule: auxot policies clear … ${flagName(field)}).`);
    throw error;
  }
  const result = shape.schema.safeParse(value);
  if (!result.success) {
    const items = shape.kind === 'list' ? (value as string[]) : [];
    const bad = result.error.issues.map((issue) => (typeof issue.path[0] === 'number' ? `'${items[issue.path[0]] ?? ''}' is not allowed` : issue.message));
    throw new InvalidArgumentError(`expected ${shape.expected}${shape.kind === 'list' ? ` (${bad.join('; ')})` : ''}.`);
  }
  return result.data;
}

/** A policy as the flags that set it (`requests-per-minute=50 approved-models=cheap,claude-*`); `-` when it has no rules. */
export function policySummary(policy: Policy | null | undefined): string {
  if (policy === null || policy === undefined) return '-';
  const parts = POLICY_FIELDS.filter((field) => policy[field] !== undefined).map((field) => `${flagName(field)}=${policyValue(policy[field])}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** One field's value as typed on the command line (lists comma-separated; an empty list as `(none)`). */
export function policyValue(value: Policy[PolicyField]): string {
  if (value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',');
  return String(value);
}
