import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { initialStreamJsonState, stepStreamJson } from './stream-json-decoder.js';
import { parseCliLine } from './stream-json-line.js';
import { resultLine, turnLines } from './test-support/stream-json-fixtures.js';

interface Turn {
  blocks: Array<{ text: string; cuts: number[] }>;
  withTool: boolean;
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens';
}

const turnArbitrary: fc.Arbitrary<Turn> = fc.record({
  blocks: fc.array(fc.record({ text: fc.string({ maxLength: 40 }), cuts: fc.array(fc.nat(40), { maxLength: 6 }) }), { maxLength: 3 }),
  withTool: fc.boolean(),
  stopReason: fc.constantFrom('end_turn', 'tool_use', 'max_tokens'),
});

function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of [...points, text.length]) {
    pieces.push(text.slice(start, point));
    start = point;
  }
  return pieces;
}

/** The rule, written independently: blocks joined by a blank line, except where a max_tokens cut resumes. */
function expectedText(turns: Turn[]): string {
  let out = '';
  let started = false;
  let pending = '';
  let previousStop: string | undefined;
  for (const turn of turns) {
    turn.blocks.forEach((block, position) => {
      if (started) pending = position === 0 && previousStop === 'max_tokens' ? pending : '\n\n';
      if (block.text === '') return;
      out += pending + block.text;
      pending = '';
      started = true;
    });
    previousStop = turn.stopReason;
  }
  return out;
}

test('text split anywhere across any number of internal turns reassembles into one block, in contract order', () => {
  fc.assert(
    fc.property(fc.array(turnArbitrary, { minLength: 1, maxLength: 4 }), (turns) => {
      const lines = turns.flatMap((turn, position) =>
        turnLines({
          id: `msg_${position}`,
          texts: turn.blocks.map((block) => split(block.text, block.cuts)),
          ...(turn.withTool ? { toolUse: { name: 'Bash', input: ['{"command":"ls"}'] } } : {}),
          stopReason: turn.stopReason,
        }),
      );
      let state = initialStreamJsonState({ responseId: 'msg_r', model: 'm', defaultRetryAfterMs: 1 });
      const events: ChatEvent[] = [];
      for (const text of [...lines, resultLine()]) {
        const step = stepStreamJson(state, { kind: 'line', line: parseCliLine(text), nowMs: 0 });
        state = step.state;
        events.push(...step.events);
      }
      const expected = expectedText(turns);
      const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
      expect(text).toBe(expected);
      const shape = events.map((event) => event.type).filter((type) => type !== 'text-delta');
      expect(shape).toEqual(expected === '' ? ['response-start', 'usage', 'response-end'] : ['response-start', 'text-start', 'text-end', 'usage', 'response-end']);
      expect(events.every((event) => !('index' in event) || event.index === 0)).toBe(true);
      expect(events.every((event) => event.type !== 'text-delta' || event.text !== '')).toBe(true);
    }),
  );
});
