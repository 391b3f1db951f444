import { anthropicEffort } from '../../dialects/anthropic-messages/effort.js';
import type { ModelRequest } from '../../canonical/chat-request.js';
import { JOB_TAG_VARIABLE } from './process-reaper.js';

/** Used when the operator's env has no PATH: the engine never reads the worker's own environment. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ClaudeArgsInput {
  model: string;
  request: ModelRequest;
  /** A file holding the caller's system text, or undefined when there is none. */
  systemPromptFile: string | undefined;
  maxTurns: number | undefined;
  allowedTools: readonly string[];
  permissionMode: string | undefined;
  persistSessions: boolean;
}

/**
 * The command line for one job. Input and output are stream-json (output needs `--verbose`);
 * partial messages give text as it streams. The system text goes in through
 * `--append-system-prompt-file` rather than `--append-system-prompt`: same effect (Claude Code's own
 * prompt stays, the caller's is appended), but the caller's text stays out of `ps` output and out
 * of Linux's 128 KiB limit on a single argument.
 * @see https://docs.claude.com/en/docs/claude-code/cli-reference
 */
export function claudeArgs(input: ClaudeArgsInput): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json'];
  args.push('--include-partial-messages', '--model', input.model);
  if (input.systemPromptFile !== undefined) args.push('--append-system-prompt-file', input.systemPromptFile);
  if (input.maxTurns !== undefined) args.push('--max-turns', String(input.maxTurns));
  if (input.allowedTools.length > 0) args.push('--allowedTools', input.allowedTools.join(','));
  if (input.permissionMode !== undefined) args.push('--permission-mode', input.permissionMode);
  const effort = anthropicEffort(input.request.reasoning?.effort);
  if (effort !== undefined) args.push('--effort', effort);
  // Sessions are written under the slot's HOME on every run; a long-lived worker would pile them up.
  if (!input.persistSessions) args.push('--no-session-persistence');
  return args;
}


export interface ClaudeEnvInput {
  /** The operator's variables: credentials, ANTHROPIC_BASE_URL, PATH, proxies, CLAUDE_CODE_* tuning. */
  operatorEnv: Readonly<Record<string, string>>;
  home: string;
  tmpDir: string;
  jobTag: string;
  request: ModelRequest;
  /** The job's `Via` chain, sent with Claude Code's model requests (ANTHROPIC_CUSTOM_HEADERS). */
  via?: string;
}

/**
 * The whole environment of the process: nothing is inherited from the worker. Defaults the
 * operator may override keep jobs apart; HOME, TMPDIR, the job tag and the traffic switch are forced.
 */
export function claudeEnv(input: ClaudeEnvInput): Record<string, string> {
  const { request } = input;
  return {
    PATH: DEFAULT_PATH,
    // A memory one caller's job writes would otherwise be read by the next caller's job in the slot.
    CLAUDE_CODE_DISABLE_AUTO_MEMORY: '1',
    // CLAUDE.md files in the directories above the slot (the host's own repo) are not the caller's context.
    CLAUDE_CODE_DISABLE_CLAUDE_MDS: '1',
    // After a broken stream Claude Code would re-ask without streaming; text already sent would then repeat.
    CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK: '1',
    ...(request.maxOutputTokens === undefined ? {} : { CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(request.maxOutputTokens) }),
    ...(request.reasoning?.effort === 'none' ? { CLAUDE_CODE_DISABLE_THINKING: '1' } : {}),
    ...input.operatorEnv,
    ...(input.via === undefined ? {} : { ANTHROPIC_CUSTOM_HEADERS: withVia(input.operatorEnv.ANTHROPIC_CUSTOM_HEADERS, input.via) }),
    HOME: input.home,
    TMPDIR: input.tmpDir,
    CLAUDE_CODE_TMPDIR: input.tmpDir,
    // No telemetry, error reports, auto-update or feature-flag fetches: zero DNS lookups (docs/wire-formats.md §4.2).
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    [JOB_TAG_VARIABLE]: input.jobTag,
  };
}

/**
 * Claude Code sends ANTHROPIC_CUSTOM_HEADERS ("Name: value" lines) with every model request: the
 * hop marker rides there, so a worker whose ANTHROPIC_BASE_URL points back at Auxot is refused at
 * the second hop instead of looping. The operator's own custom headers are kept.
 */
function withVia(operatorHeaders: string | undefined, via: string): string {
  const kept = (operatorHeaders ?? '').split('\n').filter((line) => line.trim() !== '' && !/^via\s*:/i.test(line));
  return [...kept, `Via: ${via}`].join('\n');
}
