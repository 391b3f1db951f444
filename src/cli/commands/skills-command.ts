import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { checkSkill, parseSkillMarkdown, renderSkillMarkdown } from '../../agents/skill-format.js';
import { AdminClient } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { examples, withAdminConnection } from '../options.js';
import { show, table } from '../output.js';

interface SkillView {
  name: string;
  scope: string;
  description: string;
  body: string;
  files: Array<{ path: string; content: string }>;
  alwaysOn: boolean;
}

/** The most files one skill folder may bring along (the admin API's own limit). */
const MAX_FILES = 100;
const scopeOption = (): Option<'--scope <scope>', undefined, 'org'> =>
  new Option('--scope <scope>', 'org, team:<team> or user:<email>').default('org' as const);

/** `auxot skills …`: reusable instructions in the open SKILL.md shape, imported from and exported to folders. */
export function skillsCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('skills').description('skills (SKILL.md folders) that agents load on demand or always');

  withAdminConnection(group.command('list').description('list the skills you may see'))
    .addHelpText('after', examples('auxot skills list'))
    .action(async (options) => {
      const result = (await new AdminClient(options.url, options.key).call('GET', '/api/admin/skills')) as { data: SkillView[] };
      show(context, options, result, ({ data }) =>
        table(
          ['NAME', 'SCOPE', 'FILES', 'ALWAYS ON', 'DESCRIPTION'],
          data.map((skill) => [skill.name, skill.scope, skill.files.length, skill.alwaysOn ? 'yes' : '', skill.description]),
          'No skills yet. Import one: auxot skills import ./skills/triage',
        ),
      );
    });

  withAdminConnection(
    group
      .command('import')
      .argument('<folder>', 'a folder holding SKILL.md (and any files beside it)')
      .description('create or replace a skill from a SKILL.md folder')
      .addOption(scopeOption()),
  )
    .addHelpText('after', examples('auxot skills import ./skills/triage', 'auxot skills import ./skills/review --scope team:platform'))
    .action(async (folder, options) => {
      const skill = await readSkillFolder(folder);
      const stored = (await new AdminClient(options.url, options.key).call('PUT', `/api/admin/skills/${encodeURIComponent(skill.name)}`, {
        scope: options.scope,
        description: skill.description,
        body: skill.body,
        alwaysOn: skill.alwaysOn,
        files: skill.files,
      }, { scope: '--scope' })) as SkillView;
      show(context, options, stored, (view) => `imported skill ${view.name} (${view.scope}, ${view.files.length} file${view.files.length === 1 ? '' : 's'})`);
    });

  withAdminConnection(
    group
      .command('export')
      .argument('<name>', 'skill name')
      .argument('<folder>', 'where to write SKILL.md and its files (created if missing)')
      .description('write a skill back out as a SKILL.md folder')
      .addOption(new Option('--scope <scope>', 'where to look first (org, team:<team>, user:<email>)')),
  )
    .addHelpText('after', examples('auxot skills export triage ./skills/triage'))
    .action(async (name, folder, options) => {
      const query = options.scope === undefined ? '' : `?scope=${encodeURIComponent(options.scope)}`;
      const skill = (await new AdminClient(options.url, options.key).call('GET', `/api/admin/skills/${encodeURIComponent(name)}${query}`)) as SkillView;
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'SKILL.md'), renderSkillMarkdown(skill));
      for (const file of skill.files) {
        const target = join(folder, ...file.path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
      }
      show(context, options, { exported: skill.name, folder, files: skill.files.length }, () => `wrote ${join(folder, 'SKILL.md')} and ${skill.files.length} file(s)`);
    });

  withAdminConnection(group.command('delete').argument('<name>', 'skill name').description('delete a skill').addOption(new Option('--scope <scope>', 'which one, when several scopes hold the name')))
    .addHelpText('after', examples('auxot skills delete triage'))
    .action(async (name, options) => {
      const query = options.scope === undefined ? '' : `?scope=${encodeURIComponent(options.scope)}`;
      await new AdminClient(options.url, options.key).call('DELETE', `/api/admin/skills/${encodeURIComponent(name)}${query}`);
      show(context, options, { deleted: name }, () => `deleted skill ${name}`);
    });

  return group;
}

/** SKILL.md plus every other file under the folder, as relative `/` paths (hidden files skipped). */
async function readSkillFolder(folder: string): Promise<{ name: string; description: string; body: string; alwaysOn: boolean; files: Array<{ path: string; content: string }> }> {
  const info = await stat(folder).catch(() => undefined);
  if (info?.isDirectory() !== true) throw new UsageError(`${folder} is not a folder`);
  const markdown = await readFile(join(folder, 'SKILL.md'), 'utf8').catch(() => undefined);
  if (markdown === undefined) throw new UsageError(`${folder} has no SKILL.md`);
  let skill;
  try {
    skill = parseSkillMarkdown(markdown);
    checkSkill(skill);
  } catch (error) {
    throw new UsageError(`${join(folder, 'SKILL.md')}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const files: Array<{ path: string; content: string }> = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (path === 'SKILL.md' || path.split('/').some((part) => part.startsWith('.'))) continue;
    if (files.length === MAX_FILES) throw new UsageError(`${folder} holds more than ${MAX_FILES} files; a skill carries at most ${MAX_FILES}`);
    files.push({ path, content: await readFile(join(folder, path), 'utf8') });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { ...skill, files };
}
