import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { loadServerConfig, SERVE_FLAGS, type ConfigSource } from '../../config/server-config.js';
import { systemClock } from '../../platform/clock.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { cliLogger, examples, withLogOptions } from '../options.js';
import { reportStartup } from './startup-report.js';

const ENVIRONMENT_ONLY = `
Environment (secrets are never flags):
  AUXOT_ADMIN_KEY      becomes an owner API key (for automation); otherwise the first start prints one
  AUXOT_MASTER_KEY     32-byte key (base64 or hex) sealing provider secrets; default: <data-dir>/master.key (0600)
  OPENAI_API_KEY       on first start, adds provider "openai" (OPENAI_BASE_URL: its base URL)
  ANTHROPIC_API_KEY    on first start, adds provider "anthropic" (ANTHROPIC_BASE_URL: its base URL)
`;

/** `auxot serve`: start the gateway and run until SIGINT/SIGTERM. */
export function serveCommand(context: CliContext): CommandUnknownOpts {
  const command = withLogOptions(new Command('serve').description('run the gateway: the OpenAI, Anthropic and admin APIs and the worker endpoint'));
  for (const setting of SERVE_FLAGS) {
    command.addOption(new Option(`--${setting.flag} <value>`, setting.description).env(setting.env).default(setting.default));
  }
  command
    .addHelpText('after', ENVIRONMENT_ONLY)
    .addHelpText('after', examples('auxot serve', 'AUXOT_PORT=9000 AUXOT_DATA_DIR=/var/lib/auxot auxot serve', 'auxot serve --host 127.0.0.1 --log-format json'))
    .action(async (options, self) => {
      // Only values typed on the command line count as flags; the loader reads the environment
      // itself, so that an error names the variable a bad value came from.
      const flags: ConfigSource = {};
      for (const setting of SERVE_FLAGS) {
        const attribute = camelCase(setting.flag);
        if (self.getOptionValueSource(attribute) === 'cli') flags[setting.flag] = String(self.getOptionValue(attribute));
      }
      const { config, problems } = loadServerConfig(context.env, flags);
      if (config === undefined) throw new UsageError(problems.length === 1 ? `${problems[0]}` : `invalid configuration:\n  ${problems.join('\n  ')}`);
      const logger = cliLogger(options, context.env);
      // A gateway that dies takes every stream of the company with it. Requests are answered by the
      // dispatcher whatever they throw; what escapes elsewhere (a socket or timer callback) is logged
      // with its stack and the process keeps serving (docs/decisions.md).
      process.on('uncaughtException', (error) => logger.error('uncaught exception; still serving', { error: error.stack ?? String(error) }));
      process.on('unhandledRejection', (reason) =>
        logger.error('unhandled promise rejection; still serving', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }),
      );
      // Loaded here, not at the top: the whole server is ~1 s of module loading that every other
      // `auxot` command (admin commands, --help) would otherwise pay for.
      const { startServer } = await import('../../app/server-app.js');
      const running = await startServer({ ...config, version: context.version }, systemClock, logger);
      // Listening from here on, so a stop signal must already find its handler.
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          logger.info('shutting down', { signal });
          void running.close().then(() => {
            logger.info('stopped');
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
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
      reportStartup(logger, config, running, context.version);
      await stopped;
    });
  return command;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
