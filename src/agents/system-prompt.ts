import type { AgentRecord, ContextFileRecord, SkillRecord } from '../store/agent-records.js';

export const PLATFORM_RULES = [
  'You are an agent run by Auxot on behalf of the caller. Use the tools you are given when they help; never invent tool results.',
  'A tool result that reports an error is information: decide whether to retry differently, use another tool, or explain the problem.',
  'Skills listed below are instructions you can load with the load_skill tool when a task matches their description.',
].join('\n');

export interface PromptParts {
  agent: Pick<AgentRecord, 'name' | 'description' | 'personality'>;
  skills: readonly SkillRecord[];
  contextFiles: readonly ContextFileRecord[];
  /** The team the caller acts for, so the agent knows whose work it is doing. */
  callerTeam: string | undefined;
}

/**
 * The agent's system prompt, in a fixed order: platform rules, personality, the skills catalogue
 * (name and description; always-on skills inlined whole), context files, and the caller's team.
 */
export function composeSystemPrompt(parts: PromptParts): string {
  const sections = [PLATFORM_RULES, `# Agent: ${parts.agent.name}\n${parts.agent.description}\n\n${parts.agent.personality}`.trim()];
  const onDemand = parts.skills.filter((skill) => !skill.alwaysOn);
  if (onDemand.length > 0) sections.push(`# Skills (load with load_skill)\n${onDemand.map((skill) => `- ${skill.name}: ${skill.description}`).join('\n')}`);
  for (const skill of parts.skills.filter((entry) => entry.alwaysOn)) sections.push(`# Skill: ${skill.name}\n${skill.body}`);
  for (const file of parts.contextFiles) sections.push(`# Context: ${file.name}\n${file.content}`);
  if (parts.callerTeam !== undefined) sections.push(`# Caller\nYou are working for team '${parts.callerTeam}'.`);
  return sections.join('\n\n');
}
