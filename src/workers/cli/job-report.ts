/**
 * What Claude Code's `result` line says about a job beyond canonical usage. The worker puts
 * `costUsd` into its `job-done` message; ChatEvents have no place for it.
 */
export interface ClaudeCodeJobReport {
  /** `total_cost_usd`: Claude Code's own estimate at API list prices, over all its internal turns. */
  costUsd: number | undefined;
  sessionId: string | undefined;
  /** Internal turns (model calls) Claude Code made for this job. */
  numTurns: number | undefined;
  durationMs: number | undefined;
  durationApiMs: number | undefined;
}
