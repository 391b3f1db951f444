import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSandboxed, type SandboxedRun } from './run-sandboxed.js';

/** The Claude Code binary the project's package.json installs (a native executable since 2.1.113). */
export const CLAUDE_BINARY = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));

/** How Claude Code authenticates: `ANTHROPIC_API_KEY` goes out as x-api-key, `ANTHROPIC_AUTH_TOKEN` as Bearer. */
export type ClaudeAuth = { apiKey: string } | { authToken: string };

export interface ClaudeRunOptions {
  /** Auxot's TCP port on 127.0.0.1. */
  auxotPort: number;
  /** Path of the Anthropic surface without /v1: Claude Code appends `/v1/messages` itself. */
  basePath: string;
  auth: ClaudeAuth;
  args: string[];
  timeoutMs: number;
}

/**
 * Runs `claude <args>` with a fresh HOME and cwd and an environment built from scratch (no inherited
 * ANTHROPIC_* or CLAUDE_* variables), isolated from the network where the machine allows it.
 */
export async function runClaudeCode(options: ClaudeRunOptions): Promise<SandboxedRun> {
  const root = mkdtempSync(join(tmpdir(), 'auxot-claude-'));
  const home = join(root, 'home');
  const work = join(root, 'work');
  mkdirSync(home);
  mkdirSync(work);
  try {
    return await runSandboxed({
      command: CLAUDE_BINARY,
      args: options.args,
      cwd: work,
      env: (origin) => claudeEnvironment(home, `${origin}${options.basePath}`, options.auth),
      targetPort: options.auxotPort,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function claudeEnvironment(home: string, baseUrl: string, auth: ClaudeAuth): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ...('apiKey' in auth ? { ANTHROPIC_API_KEY: auth.apiKey } : { ANTHROPIC_AUTH_TOKEN: auth.authToken }),
    // Turns off the auto-updater, telemetry, error reporting and feature-flag fetches
    // (https://github.com/anthropics/claude-code/issues/29134).
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // A failing turn should fail the test within seconds, not sit in Claude Code's retry loop (default 10).
    CLAUDE_CODE_MAX_RETRIES: '1',
  };
}
