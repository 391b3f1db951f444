import { parseArgs } from 'node:util';
import { startServer } from '../app/server-app.js';
import { loadServerConfig } from '../config/server-config.js';
import { systemClock } from '../platform/clock.js';
import { createLogger } from '../platform/logger.js';
import { CliError } from './admin-client.js';
import type { CommandEnvironment } from './management-commands.js';

/** `auxot serve`: start the gateway and run until SIGINT/SIGTERM. */
export async function serveCommand(args: string[], context: CommandEnvironment): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, 'max-body-bytes': { type: 'string' } },
  });
  const { config, problems } = loadServerConfig(context.env, values);
  if (config === undefined) throw new CliError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const logger = createLogger();
  const running = await startServer(config, systemClock, logger);
  if (running.generatedOwnerKey !== undefined) {
    context.print(
      [
        '',
        '  ┌──────────────────────────────────────────────────────────────────────────┐',
        '  │ First start: this is the owner API key. It is shown only this once.      │',
        '  └──────────────────────────────────────────────────────────────────────────┘',
        `    ${running.generatedOwnerKey}`,
        '',
        '  Use it as a Bearer token (or x-api-key) and for `auxot` admin commands (AUXOT_ADMIN_KEY).',
        '',
      ].join('\n'),
    );
  }
  logger.info('auxot listening', { url: `http://${config.host}:${running.port}`, dataDir: config.dataDir });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info('shutting down', { signal });
      void running.close().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
