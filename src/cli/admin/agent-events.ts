import { SseParser } from '../../dialects/sse/sse-parser.js';
import { CliError } from '../cli-errors.js';
import { agentEventData, type AgentEvent } from './agent-types.js';

/**
 * The events of a streamed Admin Agent turn, decoded as they arrive. Uses the gateway's own SSE
 * parser (chunk boundaries anywhere, CRLF or LF, keep-alive comments skipped). An event type
 * this client does not know is skipped, so a newer server can add events; a known event whose
 * data does not fit the contract is an error, because rendering half of it would mislead.
 */
export async function* agentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<AgentEvent> {
  const parser = new SseParser();
  for await (const chunk of body) {
    for (const block of parser.push(Buffer.from(chunk))) {
      const event = decode(block.event?.event, block.event?.data);
      if (event !== undefined) yield event;
    }
  }
  for (const block of parser.end()) {
    const event = decode(block.event?.event, block.event?.data);
    if (event !== undefined) yield event;
  }
}

function decode(name: string | undefined, data: string | undefined): AgentEvent | undefined {
  if (name === undefined || data === undefined || !Object.hasOwn(agentEventData, name)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new CliError(`the server sent a "${name}" event whose data is not JSON`);
  }
  const parsed = agentEventData[name as keyof typeof agentEventData].safeParse(json);
  if (!parsed.success) throw new CliError(`the server sent a "${name}" event this client cannot read (${parsed.error.issues[0]?.message ?? 'invalid'}); is it a different Auxot version?`);
  return parsed.data;
}
