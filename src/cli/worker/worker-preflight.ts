import { spawnSync } from 'node:child_process';
import { accessSync, constants, openSync, readSync, closeSync, statSync } from 'node:fs';
import { CliError } from '../cli-errors.js';

export interface WorkerIdentity {
  workerId: string;
  name: string;
  provider: { name: string; kind: string; tier: string };
}

/**
 * Asks the server who this key belongs to before anything slow happens (a model load takes
 * minutes): a wrong, revoked or mismatched key, or an unreachable server, stops the worker at once.
 */
export async function checkWorkerKey(serverUrl: string, key: string, expectedKind: 'gpu-worker' | 'cli-worker'): Promise<WorkerIdentity> {
  const url = new URL(serverUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/worker/identity`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new CliError(`cannot reach the Auxot server at ${serverUrl} (${cause}); check --server / AUXOT_SERVER_URL`);
  }
  if (response.status === 401) {
    throw new CliError(
      `the server at ${serverUrl} does not know this worker key (--key / AUXOT_WORKER_KEY), or it was revoked; create one with: auxot workers add-key <name> --provider <provider>`,
    );
  }
  if (!response.ok) throw new CliError(`the server at ${serverUrl} answered HTTP ${response.status} to the worker key check; is it an Auxot server (--server / AUXOT_SERVER_URL)?`);
  const identity = (await response.json()) as WorkerIdentity;
  if (identity.provider.kind !== expectedKind) {
    const command = identity.provider.kind === 'cli-worker' ? 'auxot worker cli' : identity.provider.kind === 'gpu-worker' ? 'auxot worker gpu' : undefined;
    throw new CliError(
      `this worker key belongs to provider '${identity.provider.name}', a ${identity.provider.kind} provider${command === undefined ? '' : `: run \`${command}\``}, or use a key of a ${expectedKind} provider`,
    );
  }
  return identity;
}

/** A local GGUF file must exist and be one; `hf:` URIs and URLs are downloaded later. */
export function checkModelFile(model: string): void {
  if (/^(hf:|https?:\/\/)/.test(model)) return;
  let size: number;
  try {
    const stat = statSync(model);
    if (stat.isDirectory()) throw new CliError(`--model: ${model} is a directory; give the .gguf file inside it`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`--model: no model file at ${model} (${(error as NodeJS.ErrnoException).code ?? String(error)}); give the path of a .gguf file, or an hf: URI`);
  }
  const magic = Buffer.alloc(4);
  try {
    const fd = openSync(model, 'r');
    try {
      readSync(fd, magic, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new CliError(`--model: cannot read ${model} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size < 4 || magic.toString('latin1') !== 'GGUF') throw new CliError(`--model: ${model} is not a GGUF model file`);
}

/** Claude Code's credential variables; each slot has its own HOME, so a login in ~/.claude is not seen. */
export const CLAUDE_CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'] as const;

/**
 * The binary must run, and it must have credentials; otherwise the worker would connect and then
 * fail every job with "Not logged in".
 */
export function checkClaudeCode(claudeBin: string, env: Readonly<Record<string, string | undefined>>): string {
  try {
    accessSync(claudeBin, constants.X_OK);
  } catch {
    throw new CliError(`--claude-bin: no executable Claude Code at ${claudeBin}`);
  }
  const probe = spawnSync(claudeBin, ['--version'], { encoding: 'utf8', timeout: 30_000, env: { PATH: env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? '/tmp' } });
  if (probe.status !== 0) {
    // A binary that failed to start leaves no output at all, whatever the types say.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    const said = `${probe.stderr ?? ''}${probe.stdout ?? ''}`.trim().split('\n')[0] ?? '';
    throw new CliError(
      `Claude Code at ${claudeBin} does not run (${probe.error?.message ?? `exit ${probe.status}`}${said === '' ? '' : `: ${said}`}); if its install script was skipped, run: npm rebuild @anthropic-ai/claude-code`,
    );
  }
  if (!CLAUDE_CREDENTIAL_VARIABLES.some((name) => (env[name] ?? '') !== '')) {
    throw new CliError(
      'Claude Code has no credentials: set ANTHROPIC_API_KEY (an API key), or CLAUDE_CODE_OAUTH_TOKEN (made by `claude setup-token`, for a Claude subscription); each slot runs with its own HOME, so a login in ~/.claude is not used',
    );
  }
  return probe.stdout.trim();
}
