import type { Logger } from '../../platform/logger.js';
import { WorkerClient } from '../../workers/client/worker-client.js';
import type { InferenceEngine } from '../../workers/inference-engine.js';
import { CliError } from '../cli-errors.js';

export interface WorkerRun {
  serverUrl: string;
  key: string;
  /** Only when --name was given; otherwise the server names the worker after its key. */
  name: string | undefined;
  engineKind: 'llama.cpp' | 'openai-compatible' | 'claude-code';
  engine: InferenceEngine;
  logger: Logger;
}

/** Dials the server and serves jobs until SIGINT/SIGTERM, or until the server refuses the worker. */
export async function runWorker(run: WorkerRun): Promise<void> {
  const client = new WorkerClient({
    serverUrl: run.serverUrl,
    key: run.key,
    ...(run.name === undefined ? {} : { name: run.name }),
    engineKind: run.engineKind,
    engine: run.engine,
    logger: run.logger,
  });
  client.start();
  const stop = (signal: string): void => {
    run.logger.info('worker stopping', { signal });
    void client.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    await client.done;
  } catch (error) {
    await run.engine.close();
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}
