import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createOpenAiChatDialect } from '../dialects/openai-chat/index.js';
import { newId } from '../platform/ids.js';
import { createLogger } from '../platform/logger.js';
import { WorkerClient } from '../workers/client/worker-client.js';
import type { InferenceEngine } from '../workers/inference-engine.js';
import { createOpenAiCompatibleEngine } from '../workers/upstream/openai-compatible-engine.js';
import { CliError } from './admin-client.js';
import type { CommandEnvironment } from './management-commands.js';

const CONNECTION = {
  server: { type: 'string' },
  key: { type: 'string' },
  name: { type: 'string' },
  slots: { type: 'string' },
} as const;

/** `auxot worker gpu|cli …`: run a worker that dials the server and serves jobs until stopped. */
export async function workerCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === 'gpu') return runWorker(await gpuEngine(rest, context), rest, context);
  if (kind === 'cli') return runWorker(await cliEngine(rest, context), rest, context);
  throw new CliError('usage: auxot worker gpu (--model <gguf|hf:uri> | --upstream <url>) … | auxot worker cli …');
}

interface BuiltEngine {
  engine: InferenceEngine;
  kind: 'llama.cpp' | 'openai-compatible' | 'claude-code';
}

async function gpuEngine(args: string[], context: CommandEnvironment): Promise<BuiltEngine> {
  const { values } = parseArgs({
    args,
    options: {
      ...CONNECTION,
      model: { type: 'string' },
      'model-name': { type: 'string' },
      'models-dir': { type: 'string' },
      'context-size': { type: 'string' },
      threads: { type: 'string' },
      gpu: { type: 'string' },
      upstream: { type: 'string' },
      'upstream-key-env': { type: 'string' },
      models: { type: 'string' },
    },
  });
  const slots = positive(values.slots, 'slots') ?? 1;
  if (values.upstream !== undefined) {
    const keyVariable = values['upstream-key-env'];
    const engine = await createOpenAiCompatibleEngine({
      baseUrl: values.upstream,
      apiKey: keyVariable === undefined ? undefined : context.env[keyVariable],
      models: list(values.models),
      slots,
      dialect: createOpenAiChatDialect({ nowSeconds: () => Math.floor(Date.now() / 1000), newId }),
    });
    return { engine, kind: 'openai-compatible' };
  }
  if (values.model === undefined) throw new CliError('auxot worker gpu needs --model <path.gguf | hf:uri> or --upstream <url>');
  // Loaded only here: the server and the other workers never pay for node-llama-cpp.
  const { createLlamaEngine } = await import('../workers/gpu/llama-engine.js');
  const contextSize = positive(values['context-size'], 'context-size');
  const threads = positive(values.threads, 'threads');
  const engine = await createLlamaEngine({
    modelPath: values.model,
    modelsDir: values['models-dir'] ?? resolve(context.env.AUXOT_DATA_DIR ?? './.auxot', 'models'),
    modelName: values['model-name'] ?? modelNameOf(values.model),
    slots,
    ...(contextSize === undefined ? {} : { contextSize }),
    ...(threads === undefined ? {} : { threads }),
    gpu: values.gpu === 'off' ? false : 'auto',
    newId,
  });
  return { engine, kind: 'llama.cpp' };
}

async function cliEngine(args: string[], context: CommandEnvironment): Promise<BuiltEngine> {
  const { values } = parseArgs({
    args,
    options: {
      ...CONNECTION,
      'claude-bin': { type: 'string' },
      'work-dir': { type: 'string' },
      models: { type: 'string' },
      'max-turns': { type: 'string' },
      'allowed-tools': { type: 'string' },
      'permission-mode': { type: 'string' },
    },
  });
  const { createClaudeCodeEngine } = await import('../workers/cli/claude-code-engine.js');
  const passThrough = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_MAX_RETRIES'];
  const env: Record<string, string> = {};
  for (const name of passThrough) {
    const value = context.env[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  const maxTurns = positive(values['max-turns'], 'max-turns');
  const allowedTools = list(values['allowed-tools']);
  const engine = createClaudeCodeEngine({
    claudeBin: values['claude-bin'] ?? defaultClaudeBin(),
    slots: positive(values.slots, 'slots') ?? 1,
    workDir: resolve(values['work-dir'] ?? join(context.env.AUXOT_DATA_DIR ?? './.auxot', 'cli-worker')),
    models: list(values.models).length > 0 ? list(values.models) : ['claude-code'],
    env,
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(allowedTools.length === 0 ? {} : { allowedTools }),
    ...(values['permission-mode'] === undefined ? {} : { permissionMode: values['permission-mode'] }),
    newId,
  });
  return { engine, kind: 'claude-code' };
}

async function runWorker(built: BuiltEngine, args: string[], context: CommandEnvironment): Promise<void> {
  const { values } = parseArgs({ args, options: CONNECTION, strict: false });
  const key = stringOption(values.key) ?? context.env.AUXOT_WORKER_KEY;
  if (key === undefined) throw new CliError('a worker needs its key: --key or AUXOT_WORKER_KEY (create one with `auxot workers add-key`)');
  const logger = createLogger();
  const client = new WorkerClient({
    serverUrl: stringOption(values.server) ?? context.env.AUXOT_SERVER_URL ?? 'http://127.0.0.1:8420',
    key,
    name: stringOption(values.name) ?? `${hostname()}-${built.kind}`,
    engineKind: built.kind,
    engine: built.engine,
    logger,
  });
  client.start();
  const stop = (signal: string): void => {
    logger.info('worker stopping', { signal });
    void client.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    await client.done;
  } catch (error) {
    await built.engine.close();
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

function defaultClaudeBin(): string {
  return new URL('../../node_modules/.bin/claude', import.meta.url).pathname;
}

function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new CliError(`--${flag} must be a positive integer`);
  return number;
}

function modelNameOf(model: string): string {
  const last = model.split(/[/:]/).at(-1) ?? model;
  return last.replace(/\.gguf$/i, '');
}
