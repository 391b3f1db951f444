import { resolve } from 'node:path';
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { commaList, DEFAULT_SERVER_URL, environmentVariableName, cliLogger, examples, httpUrl, positiveInteger, withLogOptions } from '../options.js';
import { installedClaudeBinary, requireLlamaEngine } from '../worker/engine-packages.js';
import { startLoadProgress } from '../worker/load-progress.js';
import { checkClaudeCode, checkModelFile, checkWorkerKey, CLAUDE_CREDENTIAL_VARIABLES } from '../worker/worker-preflight.js';

/** `--server`, `--key`, `--name`, `--slots` and the log flags of both worker kinds. */
function workerBase(name: string, description: string) {
  return withLogOptions(
    new Command(name)
      .description(description)
      .addOption(new Option('--server <url>', 'the Auxot server to dial (http(s):// or ws(s)://)').env('AUXOT_SERVER_URL').default(DEFAULT_SERVER_URL))
      .addOption(new Option('--key <key>', 'this worker\'s key (auxot workers add-key); prefer the variable').env('AUXOT_WORKER_KEY'))
      .option('--name <name>', 'the name shown in workers list and logs (default: the key\'s name)')
      .option('--slots <n>', 'jobs run at once', positiveInteger, 1),
  );
}

/** `auxot worker gpu|cli`: a worker that dials the server and serves jobs until stopped. */
export function workerCommand(context: CliContext): CommandUnknownOpts {
  const group = new Command('worker').description('run a worker: your own GPUs (llama.cpp or a local OpenAI-compatible server) or Claude Code');
  const dataDir = context.env.AUXOT_DATA_DIR ?? './.auxot';

  const gpu = workerBase('gpu', 'serve a GGUF model with llama.cpp in-process (--model), or front a local OpenAI-compatible server (--upstream)')
    .addOption(new Option('--model <file>', 'a .gguf file, or an hf: URI downloaded once into --models-dir').conflicts('upstream'))
    .option('--model-name <name>', 'the model name reported to the server (default: the file name without .gguf)')
    .option('--models-dir <dir>', 'where hf: models are downloaded', resolve(dataDir, 'models'))
    .option('--context-size <tokens>', 'tokens per slot (default: as much as memory allows)', positiveInteger)
    .option('--threads <n>', 'CPU threads for llama.cpp', positiveInteger)
    .addOption(new Option('--gpu <mode>', 'use a GPU when one is found, or never').choices(['auto', 'off'] as const).default('auto' as const))
    .addOption(new Option('--upstream <url>', 'an OpenAI-compatible server on this machine (llama-server, vLLM, Ollama), e.g. http://127.0.0.1:8080/v1').argParser(httpUrl))
    .option('--upstream-key-env <variable>', 'read the upstream\'s API key from this environment variable', environmentVariableName)
    .option('--models <list>', 'models the upstream serves (default: what its /models lists)', commaList)
    .addHelpText(
      'after',
      examples(
        'AUXOT_WORKER_KEY=axw_… auxot worker gpu --server https://auxot.example.com --model ./llama-3.1-8b.gguf --slots 4',
        'AUXOT_WORKER_KEY=axw_… auxot worker gpu --upstream http://127.0.0.1:8080/v1 --slots 8',
      ),
    )
    .action(async (options, self) => {
      const given = (flag: string): boolean => self.getOptionValueSource(flag) === 'cli';
      const llamaOnly = ['modelName', 'modelsDir', 'contextSize', 'threads', 'gpu'].filter(given);
      const upstreamOnly = ['upstreamKeyEnv', 'models'].filter(given);
      if (options.upstream !== undefined && llamaOnly.length > 0) throw new UsageError(`${flagsOf(llamaOnly)} apply to --model, not --upstream`);
      if (options.model !== undefined && upstreamOnly.length > 0) throw new UsageError(`${flagsOf(upstreamOnly)} apply to --upstream, not --model`);
      if (options.model === undefined && options.upstream === undefined) throw new UsageError('auxot worker gpu needs --model <file.gguf | hf:uri> or --upstream <url>');
      const key = requireKey(options.key);
      const logger = workerLogger(options, context);
      const identity = await checkWorkerKey(options.server, key, 'gpu-worker');
      logger.info('worker key accepted', { workerId: identity.workerId, worker: options.name ?? identity.name, provider: identity.provider.name });
      // Engines and the worker client load on use, like the llama.cpp engine: other commands need none of them.
      const { runWorker } = await import('../worker/run-worker.js');
      if (options.upstream !== undefined) {
        const keyVariable = options.upstreamKeyEnv;
        const [{ createOpenAiCompatibleEngine }, { createOpenAiChatDialect }] = await Promise.all([
          import('../../workers/upstream/openai-compatible-engine.js'),
          import('../../dialects/openai-chat/index.js'),
        ]);
        const engine = await createOpenAiCompatibleEngine({
          baseUrl: options.upstream,
          apiKey: keyVariable === undefined ? undefined : context.env[keyVariable],
          models: options.models ?? [],
          slots: options.slots,
          dialect: createOpenAiChatDialect({ nowSeconds: () => Math.floor(Date.now() / 1000), newId }),
        });
        return runWorker({ serverUrl: options.server, key, name: options.name, engineKind: 'openai-compatible', engine, logger });
      }
      const model = options.model ?? '';
      checkModelFile(model);
      requireLlamaEngine();
      const { createLlamaEngine } = await import('../../workers/gpu/llama-engine.js');
      const progress = startLoadProgress(logger, model, context.stderrIsTerminal);
      const engine = await createLlamaEngine({
        modelPath: model,
        modelsDir: options.modelsDir,
        modelName: options.modelName ?? modelNameOf(model),
        slots: options.slots,
        ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
        ...(options.threads === undefined ? {} : { threads: options.threads }),
        gpu: options.gpu === 'off' ? false : 'auto',
        onLoadProgress: progress.update,
        newId,
      }).catch((error: unknown) => {
        progress.fail();
        throw error;
      });
      progress.done();
      return runWorker({ serverUrl: options.server, key, name: options.name, engineKind: 'llama.cpp', engine, logger });
    });

  const cli = workerBase('cli', 'serve requests with Claude Code (headless), each slot in its own HOME and working directory')
    .option('--claude-bin <path>', 'the Claude Code binary (default: the installed @anthropic-ai/claude-code)')
    .option('--work-dir <dir>', 'where each slot gets its HOME and working directory', resolve(dataDir, 'cli-worker'))
    .option('--models <list>', 'model names this worker reports', commaList, ['claude-code'])
    .option('--max-turns <n>', 'most agent turns per request', positiveInteger)
    .option('--allowed-tools <list>', 'Claude Code tools allowed without asking, e.g. Bash,Read', commaList)
    .option('--permission-mode <mode>', 'Claude Code permission mode, e.g. acceptEdits')
    .addHelpText('after', `\nCredentials (one is required; passed to Claude Code): ${CLAUDE_CREDENTIAL_VARIABLES.join(', ')}\nAlso passed: ANTHROPIC_BASE_URL, CLAUDE_CODE_MAX_RETRIES\n`)
    .addHelpText('after', examples('AUXOT_WORKER_KEY=axw_… ANTHROPIC_API_KEY=sk-ant-… auxot worker cli --server https://auxot.example.com --slots 2'))
    .action(async (options) => {
      const key = requireKey(options.key);
      const logger = workerLogger(options, context);
      const identity = await checkWorkerKey(options.server, key, 'cli-worker');
      logger.info('worker key accepted', { workerId: identity.workerId, worker: options.name ?? identity.name, provider: identity.provider.name });
      const claudeBin = options.claudeBin ?? installedClaudeBinary();
      const version = checkClaudeCode(claudeBin, context.env);
      logger.info('Claude Code ready', { version, bin: claudeBin });
      const [{ createClaudeCodeEngine }, { runWorker }] = await Promise.all([import('../../workers/cli/claude-code-engine.js'), import('../worker/run-worker.js')]);
      const env: Record<string, string> = {};
      for (const name of [...CLAUDE_CREDENTIAL_VARIABLES, 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_MAX_RETRIES']) {
        const value = context.env[name];
        if (value !== undefined && value !== '') env[name] = value;
      }
      const engine = createClaudeCodeEngine({
        claudeBin,
        slots: options.slots,
        workDir: resolve(options.workDir),
        models: options.models,
        env,
        ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
        ...(options.allowedTools === undefined ? {} : { allowedTools: options.allowedTools }),
        ...(options.permissionMode === undefined ? {} : { permissionMode: options.permissionMode }),
        newId,
      });
      return runWorker({ serverUrl: options.server, key, name: options.name, engineKind: 'claude-code', engine, logger });
    });

  return group.addCommand(gpu).addCommand(cli);
}

function requireKey(key: string | undefined): string {
  if (key === undefined || key === '') throw new UsageError('a worker needs its key: set AUXOT_WORKER_KEY (or pass --key); create one with: auxot workers add-key <name> --provider <provider>');
  return key;
}

function workerLogger(options: { logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'; logFormat?: 'json' | 'pretty' }, context: CliContext): Logger {
  return cliLogger(options, context.env);
}

function flagsOf(attributes: string[]): string {
  return attributes.map((attribute) => `--${attribute.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ');
}

function modelNameOf(model: string): string {
  const last = model.split(/[/:]/).at(-1) ?? model;
  return last.replace(/\.gguf$/i, '');
}
