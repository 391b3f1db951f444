import type { ClaudeCodeJobReport } from './job-report.js';
import type { ProcessExit } from './claude-process.js';

export interface ClaudeCodeEngineOptions {
  /** The `claude` executable (the project installs 2.1.197 as node_modules/.bin/claude). */
  claudeBin: string;
  /** Claude Code processes that may run at once. */
  slots: number;
  /** Each slot gets `<workDir>/slot-<n>/{home,work,tmp}`. */
  workDir: string;
  /** Model names reported to the server; a job's model is passed to `--model` as is. */
  models: string[];
  /**
   * The process environment besides what the engine sets itself: the worker's own credentials
   * (ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN, not both), ANTHROPIC_BASE_URL, PATH, proxies.
   * Nothing else of the worker's environment reaches Claude Code.
   */
  env: Record<string, string>;
  /** `--max-turns`: internal model calls per job; reaching it ends the answer with finish `length`. */
  maxTurns?: number;
  /** `--allowedTools`: tools Claude may use without asking (in `-p` mode others are denied). */
  allowedTools?: string[];
  /** `--permission-mode`. `bypassPermissions` as root also needs IS_SANDBOX=1 in `env`. */
  permissionMode?: string;
  /** Keep session files under each slot's HOME (default: `--no-session-persistence`). */
  persistSessions?: boolean;
  /** Requeue delay for an overload that names no reset time (default 60 s). */
  overloadRetryAfterMs?: number;
  /** SIGTERM → SIGKILL grace when a job is cancelled (default 2 s). */
  killGraceMs?: number;
  newId(prefix: string): string;
  /** Epoch ms; turns a limit's reset time into a retry delay (default Date.now). */
  nowMs?(): number;
  /**
   * Called with what the `result` line reports (cost, session) before the job's last event is
   * delivered, so the worker has `costUsd` in hand when it sends `job-done`.
   */
  onJobReport?(jobId: string, report: ClaudeCodeJobReport): void;
  /** Called when a job's process starts; `exited` resolves once it and everything it started are gone. */
  onProcess?(jobId: string, process: { pid: number | undefined; exited: Promise<ProcessExit> }): void;
}

/** The options with defaults applied, as one job sees them. */
export interface ClaudeJobSettings {
  claudeBin: string;
  env: Readonly<Record<string, string>>;
  maxTurns: number | undefined;
  allowedTools: readonly string[];
  permissionMode: string | undefined;
  persistSessions: boolean;
  overloadRetryAfterMs: number;
  killGraceMs: number;
  nowMs(): number;
  onJobReport: ((jobId: string, report: ClaudeCodeJobReport) => void) | undefined;
  onProcess: ClaudeCodeEngineOptions['onProcess'];
}

export function jobSettings(options: ClaudeCodeEngineOptions): ClaudeJobSettings {
  if (!Number.isInteger(options.slots) || options.slots < 1) throw new Error('slots must be a positive integer');
  if (options.maxTurns !== undefined && (!Number.isInteger(options.maxTurns) || options.maxTurns < 1)) {
    throw new Error('maxTurns must be a positive integer');
  }
  return {
    claudeBin: options.claudeBin,
    env: { ...options.env },
    maxTurns: options.maxTurns,
    allowedTools: options.allowedTools ?? [],
    permissionMode: options.permissionMode,
    persistSessions: options.persistSessions ?? false,
    overloadRetryAfterMs: options.overloadRetryAfterMs ?? 60_000,
    killGraceMs: options.killGraceMs ?? 2000,
    nowMs: options.nowMs ?? Date.now,
    onJobReport: options.onJobReport,
    onProcess: options.onProcess,
  };
}
