import type { ScopedDocumentRepository } from '../store/agent-repositories.js';
import type { SkillRecord } from '../store/agent-records.js';
import type { AgentTool, AgentToolScope, ToolCallContext, ToolOutcome, ToolSource } from './tool-source.js';

export const LOAD_SKILL_TOOL = 'load_skill';


/**
 * The built-in `load_skill` tool: the prompt lists attached skills by name and description, and
 * the model loads a skill's body (and the list of its files) when a task matches it. Offered only
 * to agents with skills that are not already inlined (always-on).
 */
export class LoadSkillSource implements ToolSource {
  readonly id = 'builtin';

  constructor(private readonly skills: ScopedDocumentRepository<SkillRecord>) {}

  /** Read per run: a change to the agent or its skills applies to the next run. */
  private attached(agent: AgentToolScope): Promise<SkillRecord[]> {
    return this.skills.findByIds(agent.skillIds ?? []);
  }

  async tools(agent: AgentToolScope): Promise<AgentTool[]> {
    const onDemand = (await this.attached(agent)).filter((skill) => !skill.alwaysOn);
    if (onDemand.length === 0) return [];
    return [
      {
        name: LOAD_SKILL_TOOL,
        description: 'Loads the full instructions of one of your skills (listed in the system prompt) and lists the files that come with it.',
        inputSchema: {
          type: 'object',
          properties: { name: { type: 'string', enum: onDemand.map((skill) => skill.name), description: 'the skill to load' } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    ];
  }

  async call(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolOutcome> {
    if (name !== LOAD_SKILL_TOOL) return { content: `Unknown tool ${name}`, isError: true };
    const wanted = args.name;
    if (typeof wanted !== 'string') return { content: 'load_skill needs {"name": "<skill>"}', isError: true };
    const skill = (await this.attached(context.agent)).find((entry) => entry.name === wanted);
    if (skill === undefined) return { content: `No skill named '${wanted}' is attached to this agent`, isError: true };
    const files = skill.files.length === 0 ? '' : `\n\nFiles of this skill:\n${skill.files.map((file) => `- ${file.path} (${file.content.length} characters)`).join('\n')}`;
    return { content: `# Skill: ${skill.name}\n\n${skill.body}${files}`, isError: false };
  }
}
