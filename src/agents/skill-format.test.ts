import { describe, expect, it } from 'vitest';
import { parseSkillMarkdown, renderSkillMarkdown } from './skill-format.js';

describe('SKILL.md', () => {
  it('reads front matter and body, and writes it back the same', () => {
    const skill = parseSkillMarkdown('---\nname: code-review\ndescription: "Reviews diffs: style, bugs"\nalways-on: true\nlicense: MIT\n---\n\n# Review\nLook for bugs.\n');
    expect(skill).toEqual({ name: 'code-review', description: 'Reviews diffs: style, bugs', body: '# Review\nLook for bugs.', alwaysOn: true });
    expect(parseSkillMarkdown(renderSkillMarkdown(skill))).toEqual(skill);
  });

  it('refuses names that are not lowercase and hyphens, long descriptions, and missing front matter', () => {
    expect(() => parseSkillMarkdown('---\nname: Code_Review\ndescription: x\n---\nbody')).toThrow(/lowercase/);
    expect(() => parseSkillMarkdown(`---\nname: ok\ndescription: ${'d'.repeat(1025)}\n---\nbody`)).toThrow(/1024/);
    expect(() => parseSkillMarkdown(`---\nname: ${'a'.repeat(65)}\ndescription: x\n---\n`)).toThrow(/64/);
    expect(() => parseSkillMarkdown('# no front matter')).toThrow(/front matter/);
  });
});
