import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSandboxed, type SandboxedRun } from './run-sandboxed.js';

/** The Codex CLI the project's package.json installs (a native binary inside npm since 0.x). */
export const CODEX_BINARY = fileURLToPath(new URL('../../node_modules/.bin/codex', import.meta.url));

export interface CodexRunOptions {
  /** Auxot's TCP port on 127.0.0.1. */
  auxotPort: number;
  /** Codex appends `/responses` to the provider's base URL. */
  basePath: string;
  apiKey: string;
  model: string;
  prompt: string;
  timeoutMs: number;
}

/** The `--json` events of `codex exec` (one JSON object per stdout line). */
export interface CodexEvent {
  type: string;
  item?: { id: string; type: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number | null; message?: string };
  usage?: Record<string, number>;
}

/**
 * Runs `codex exec` with a fresh CODEX_HOME whose config.toml names Auxot as a custom model
 * provider (Codex 0.169 speaks only the Responses API), an environment built from scratch, and
 * the network isolated to Auxot where the machine allows it (docs/wire-formats.md §7).
 */
export async function runCodex(options: CodexRunOptions): Promise<SandboxedRun & { events: CodexEvent[] }> {
  const root = mkdtempSync(join(tmpdir(), 'auxot-codex-'));
  const home = join(root, 'home');
  const work = join(root, 'work');
  mkdirSync(home);
  mkdirSync(work);
  try {
    const run = await runSandboxed({
      command: CODEX_BINARY,
      // Without `--disable apps --disable plugins` Codex looks up github.com and chatgpt.com.
      args: ['exec', '--skip-git-repo-check', '--json', '--disable', 'apps', '--disable', 'plugins', options.prompt],
      cwd: work,
      env: (origin) => {
        writeFileSync(join(home, 'config.toml'), codexConfig(options.model, `${origin}${options.basePath}`));
        return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: home, AUXOT_KEY: options.apiKey };
      },
      targetPort: options.auxotPort,
      timeoutMs: options.timeoutMs,
    });
    return { ...run, events: parseEvents(run.stdout) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Top-level keys must come before any table, or Codex misreads them (docs/wire-formats.md §7). */
function codexConfig(model: string, baseUrl: string): string {
  return [
    `model = ${JSON.stringify(model)}`,
    'model_provider = "auxot"',
    'check_for_update_on_startup = false',
    '[analytics]',
    'enabled = false',
    '[model_providers.auxot]',
    'name = "Auxot"',
    `base_url = ${JSON.stringify(baseUrl)}`,
    'env_key = "AUXOT_KEY"',
    'wire_api = "responses"',
    // One attempt per request: a broken answer must fail the test, not sit in Codex's retry loop.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
}

function parseEvents(stdout: string): CodexEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as CodexEvent);
}
