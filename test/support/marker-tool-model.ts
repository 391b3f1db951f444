import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RecordedRequest, Scenario } from './mock-upstreams/index.js';

/** The parts of an OpenAI Chat Completions request body that a scripted model reads. */
export const chatBodySchema = z.looseObject({
  model: z.string(),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() })), z.null()]).optional(),
      tool_call_id: z.string().optional(),
      tool_calls: z
        .array(z.looseObject({ id: z.string(), type: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
        .optional(),
    }),
  ),
  tools: z.array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string(), parameters: z.unknown() }) })).optional(),
});
export type ChatBody = z.infer<typeof chatBodySchema>;
export type ChatMessage = ChatBody['messages'][number];

/** A message's text, whether it came as a string or as text parts. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

export interface MarkerToolModel {
  /** What the shell prints; the command text itself does not contain it, so seeing it proves the command ran. */
  marker: string;
  command: string;
  /** The tool call id the model hands out, to be echoed back as the tool message's `tool_call_id`. */
  callId: string;
  /** The sentence the model answers with once it has seen the marker in a tool result. */
  finalText(toolOutput: string): string;
  /** The mock upstream's handler: plays the model for one chat request. */
  answer(request: RecordedRequest): Scenario;
}

/**
 * A model that uses Claude Code's `Bash` tool: with no tool result yet it calls Bash to print the
 * marker; once the conversation holds the result it answers with text quoting it.
 */
export function markerToolModel(): MarkerToolModel {
  const suffix = randomBytes(6).toString('hex');
  const marker = `auxot-tool-${suffix}`;
  const command = `printf '%s-%s\\n' auxot-tool ${suffix}`;
  const callId = `call_${randomBytes(8).toString('hex')}`;
  const finalText = (toolOutput: string): string => `The command printed: ${toolOutput.trim()}`;
  return {
    marker,
    command,
    callId,
    finalText,
    answer(request) {
      const body = chatBodySchema.safeParse(request.body);
      if (!body.success) return { kind: 'turn', turn: { text: `Unexpected request body: ${body.error.message}` } };
      const results = body.data.messages.filter((message) => message.role === 'tool');
      const result = results.find((message) => messageText(message).includes(marker));
      if (result !== undefined) return { kind: 'turn', turn: { text: finalText(messageText(result)) } };
      // Stop rather than call the tool again: a wrong result must end the test, not loop until it times out.
      if (results.length > 0) return { kind: 'turn', turn: { text: `No marker in the tool result: ${JSON.stringify(results)}` } };
      if (!(body.data.tools ?? []).some((tool) => tool.function.name === 'Bash')) {
        return { kind: 'turn', turn: { text: 'No Bash tool was offered.' } };
      }
      const input = { command, description: 'Print the Auxot test marker' };
      return { kind: 'turn', turn: { toolCalls: [{ id: callId, name: 'Bash', arguments: JSON.stringify(input) }] } };
    },
  };
}
