import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CliError } from '../cli-errors.js';

/**
 * The worker engines are optional: a gateway-only install leaves them out (see docs/decisions.md),
 * so a worker finds them at run time and says how to install the one that is missing.
 */
export const ENGINE_PACKAGES = {
  llama: { name: 'node-llama-cpp', version: '3.22.1' },
  claudeCode: { name: '@anthropic-ai/claude-code', version: '2.1.197' },
} as const;

const require = createRequire(import.meta.url);

function installHint(engine: keyof typeof ENGINE_PACKAGES): string {
  const { name, version } = ENGINE_PACKAGES[engine];
  return `npm install --no-save ${name}@${version} (next to auxot), or npm install -g ${name}@${version} for a global auxot`;
}

/** Throws a one-line install instruction when node-llama-cpp cannot be loaded from here. */
export function requireLlamaEngine(): void {
  try {
    import.meta.resolve(ENGINE_PACKAGES.llama.name);
  } catch {
    throw new CliError(`the GPU worker's llama.cpp engine (${ENGINE_PACKAGES.llama.name}) is not installed: ${installHint('llama')}; or front an existing server with --upstream <url>`);
  }
}

/** The Claude Code binary from the installed package, or a one-line install instruction. */
export function installedClaudeBinary(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve(`${ENGINE_PACKAGES.claudeCode.name}/package.json`);
  } catch {
    throw new CliError(`the CLI worker's engine, Claude Code (${ENGINE_PACKAGES.claudeCode.name}), is not installed: ${installHint('claudeCode')}; or pass --claude-bin <path to claude>`);
  }
  return join(dirname(packageJson), 'bin', 'claude.exe');
}
