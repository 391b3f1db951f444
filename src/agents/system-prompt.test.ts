import { describe, expect, it } from 'vitest';
import type { SkillRecord } from '../store/agent-records.js';
import { composeSystemPrompt } from './system-prompt.js';

const skill = (name: string, alwaysOn: boolean): SkillRecord => ({ id: name, orgId: 'o', scope: { kind: 'org' }, name, description: `${name} description`, body: `${name} body`, files: [], alwaysOn, createdAt: 0, updatedAt: 0 });

describe('composeSystemPrompt', () => {
  it('lists on-demand skills by name and description, inlines always-on ones, then context files and the team', () => {
    const prompt = composeSystemPrompt({
      agent: { name: 'triage', description: 'Ops triage', personality: 'Be calm.' },
      skills: [skill('runbooks', false), skill('style', true)],
      contextFiles: [{ id: 'c', orgId: 'o', scope: { kind: 'org' }, name: 'oncall', content: 'Pager: #ops', createdAt: 0, updatedAt: 0 }],
      callerTeam: 'ops',
    });
    expect(prompt).toContain('- runbooks: runbooks description');
    expect(prompt).not.toContain('runbooks body');
    expect(prompt).toContain('# Skill: style\nstyle body');
    expect(prompt.indexOf('Be calm.')).toBeLessThan(prompt.indexOf('# Context: oncall\nPager: #ops'));
    expect(prompt).toMatch(/team 'ops'\.$/);
  });
});
