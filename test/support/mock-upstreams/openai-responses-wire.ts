import { z } from 'zod';
import type { DialectWire } from './dialect-wire.js';
import { openaiWire } from './openai-wire.js';
import { responsesFailed, responsesResult, responsesStreamEvents } from './openai-responses-format.js';

/** What api.openai.com rejects with 400 before generating. */
const responsesBodySchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]),
});

/**
 * The OpenAI mock's `/v1/responses` endpoint: the same server, auth, headers and error bodies as
 * Chat Completions, with the Responses API's own bodies and event stream.
 */
export const openaiResponsesWire: DialectWire = {
  ...openaiWire,
  ids: (sequence) => ({
    response: `resp_mock${sequence}`,
    toolCall: (position) => `call_mock${sequence}_${position}`,
    request: `req_mock${sequence}`,
  }),
  chatBodySchema: responsesBodySchema,
  streamEvents: responsesStreamEvents,
  resultBody: (turn, body) => responsesResult(turn, body),
  inStreamError(type, message, at) {
    if (at === undefined) throw new Error('a Responses error frame needs the turn it ends');
    return responsesFailed(at.turn, at.body, at.sequence, type, message);
  },
};
