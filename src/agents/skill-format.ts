import { GatewayError } from '../canonical/gateway-error.js';

/** A skill as written in a SKILL.md file: YAML front matter, then the markdown body. */
export interface SkillDocument {
  name: string;
  description: string;
  body: string;
  alwaysOn: boolean;
}

export const SKILL_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_SKILL_NAME = 64;
export const MAX_SKILL_DESCRIPTION = 1024;

/**
 * Reads SKILL.md. The front matter is the flat `key: value` subset of YAML the open format uses
 * (`name`, `description`, optional `always-on`); quoted values are unquoted, other keys are kept
 * out of the skill (they belong to other tools). Throws `invalid_request` naming what is wrong.
 */
export function parseSkillMarkdown(text: string): SkillDocument {
  const normalized = text.replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(normalized);
  if (match === null) throw new GatewayError('invalid_request', 'SKILL.md must start with YAML front matter between --- lines');
  const fields = new Map<string, string>();
  for (const line of (match[1] ?? '').split('\n')) {
    const field = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (field === null) continue;
    fields.set(field[1] ?? '', unquote((field[2] ?? '').trim()));
  }
  const skill = { name: fields.get('name') ?? '', description: fields.get('description') ?? '', body: (match[2] ?? '').trim(), alwaysOn: fields.get('always-on') === 'true' };
  checkSkill(skill);
  return skill;
}

export function checkSkill(skill: { name: string; description: string }): void {
  if (skill.name.length === 0 || skill.name.length > MAX_SKILL_NAME || !SKILL_NAME.test(skill.name)) {
    throw new GatewayError('invalid_request', `A skill name must be 1-${MAX_SKILL_NAME} lowercase letters, digits and single hyphens; got '${skill.name}'`, { param: 'name' });
  }
  if (skill.description.trim().length === 0 || skill.description.length > MAX_SKILL_DESCRIPTION) {
    throw new GatewayError('invalid_request', `A skill description must be 1-${MAX_SKILL_DESCRIPTION} characters`, { param: 'description' });
  }
}

/** Writes SKILL.md back (the export format; parsing it again gives the same skill). */
export function renderSkillMarkdown(skill: SkillDocument): string {
  const lines = ['---', `name: ${skill.name}`, `description: ${JSON.stringify(skill.description)}`];
  if (skill.alwaysOn) lines.push('always-on: true');
  lines.push('---', '', skill.body, '');
  return lines.join('\n');
}

function unquote(value: string): string {
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}
