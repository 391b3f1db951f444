import { z } from 'zod';
import type { TappedRequest } from './http-tap-bridge.js';
import type { SandboxedRun } from './run-sandboxed.js';

/** The `--output-format json` result line of `claude -p` (2.1.197). */
export const claudeResultSchema = z.looseObject({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean(),
  api_error_status: z.number().nullable().optional(),
  num_turns: z.number(),
  result: z.string(),
  usage: z.looseObject({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_input_tokens: z.number(),
    cache_read_input_tokens: z.number(),
  }),
  permission_denials: z.array(z.unknown()),
});
export type ClaudeResult = z.infer<typeof claudeResultSchema>;

/** The parts of an Anthropic Messages request body Claude Code sends that the tests look at. */
export const messagesBodySchema = z.looseObject({
  model: z.string(),
  stream: z.boolean().optional(),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string() }))]).optional(),
  messages: z.array(
    z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) }),
  ),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
});
export type MessagesBody = z.infer<typeof messagesBodySchema>;

export function parseClaudeResult(run: SandboxedRun): ClaudeResult {
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
  let json: unknown;
  try {
    json = JSON.parse(lastLine);
  } catch {
    throw new Error(`claude printed no JSON result.\n${describeRun(run)}`);
  }
  return claudeResultSchema.parse(json);
}

/** Claude Code's POSTs to the Messages endpoint, with their bodies parsed. */
export function messagesRequests(run: SandboxedRun): Array<{ request: TappedRequest; body: MessagesBody }> {
  return run.requests
    .filter((request) => request.method === 'POST')
    .map((request) => ({ request, body: messagesBodySchema.parse(JSON.parse(request.body.toString('utf8'))) }));
}

/** The text of a string-or-blocks content. */
export function blocksText(content: MessagesBody['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return content.map((block) => (typeof block['text'] === 'string' ? block['text'] : '')).join('');
}

/** Everything needed to understand a failed run, for assertion messages. */
export function describeRun(run: SandboxedRun): string {
  const lines = run.requests.map((request) => `  ${request.method} ${request.target} (${request.body.length} bytes)`);
  const requests = lines.length > 12 ? [...lines.slice(0, 6), `  … ${lines.length - 12} more …`, ...lines.slice(-6)] : lines;
  return [
    `claude exit=${run.exitCode} signal=${run.signal} timedOut=${run.timedOut} after ${Math.round(run.durationMs)} ms` +
      ` isolated=${run.isolated}`,
    `requests sent to Auxot:\n${requests.join('\n') || '  (none)'}`,
    `DNS lookups: ${run.dnsQueries.join(', ') || '(none)'}`,
    `--- stdout ---\n${run.stdout.slice(-4000)}`,
    `--- stderr ---\n${run.stderr.slice(-4000)}`,
  ].join('\n');
}
