import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { AdminClient } from '../admin-client.js';
import { AgentApi } from '../admin/agent-api.js';
import { runAdminSession } from '../admin/admin-session.js';
import { styleFor } from '../admin/plan-view.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-errors.js';
import { examples, withAdminServer } from '../options.js';

/** `auxot admin`: the Admin Agent as an interactive terminal chat (or a script, one message per input line). */
export function adminCommand(context: CliContext): CommandUnknownOpts {
  return withAdminServer(
    new Command('admin')
      .description('set up and run Auxot by talking to the Admin Agent: changes come as plans you confirm')
      .option('--conversation <id>', 'resume a conversation instead of starting one'),
  )
    .addHelpText(
      'after',
      `
In the chat: type a request in plain words. A change is shown as a numbered plan with a diff of
every field; secrets it needs (provider API keys, MCP credentials) are asked for at a hidden prompt
and sent straight to the server, never to the agent. Nothing changes until you answer y.
/undo proposes the inverse of the last applied plan, /quit or Ctrl-D leaves, Ctrl-C stops an answer
(at an empty prompt it leaves). Piped input is read one line per answer: messages, secret values,
then y or n for each plan.
${examples(
  'auxot admin',
  'auxot admin --conversation conv_QVWCja9az9TfE9jI',
  "printf '%s\\n' 'List the providers' | auxot admin",
)}`,
    )
    .action(async (options) => {
      const terminal = context.terminal;
      if (terminal === undefined) throw new CliError('auxot admin needs standard input and output');
      await runAdminSession(
        new AgentApi(new AdminClient(options.url, options.key)),
        {
          input: terminal.stdin,
          output: terminal.stdout,
          writeError: (text) => void terminal.stderr.write(text),
          onInterrupt: terminal.onInterrupt,
          style: styleFor(context.stdoutIsTerminal, context.env),
        },
        options.conversation === undefined ? {} : { conversationId: options.conversation },
      );
    });
}
