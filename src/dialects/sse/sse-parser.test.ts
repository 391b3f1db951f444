import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseBlock } from './sse-parser.js';

function parseInChunks(input: Buffer, cuts: number[]): SseBlock[] {
  const parser = new SseParser();
  const blocks: SseBlock[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    blocks.push(...parser.push(input.subarray(start, cut)));
    start = cut;
  }
  blocks.push(...parser.push(input.subarray(start)));
  blocks.push(...parser.end());
  return blocks;
}

describe('SseParser', () => {
  it('dispatches events with their exact raw bytes', () => {
    const input = Buffer.from('event: message_start\ndata: {"type": "message_start"}\n\n: keep-alive\n\ndata: [DONE]\n\n');
    const blocks = parseInChunks(input, []);
    expect(blocks.map((block) => block.event)).toEqual([
      { event: 'message_start', data: '{"type": "message_start"}' },
      undefined,
      { data: '[DONE]' },
    ]);
    expect(Buffer.concat(blocks.map((block) => block.raw)).equals(input)).toBe(true);
  });

  it('follows the spec for CRLF and CR line ends, multi-line data, ids and the optional space', () => {
    const input = Buffer.from('id: 7\r\nevent:ping\r\ndata:a\r\ndata:  b\r\n\r\ndata: x\r\rretry: 5\ndata\n\n');
    const events = parseInChunks(input, []).map((block) => block.event);
    expect(events).toEqual([{ id: '7', event: 'ping', data: 'a\n b' }, { data: 'x' }, { data: '' }]);
  });

  it('does not dispatch a block without data, and strips a leading BOM', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('event: ping\n\ndata: 1\n\n')]);
    expect(parseInChunks(input, []).map((block) => block.event)).toEqual([undefined, { data: '1' }]);
  });

  it('dispatches a final block that lacks its blank line when the stream ends', () => {
    expect(parseInChunks(Buffer.from('data: 1\n\ndata: [DONE]\n'), []).map((block) => block.event)).toEqual([
      { data: '1' },
      { data: '[DONE]' },
    ]);
  });

  it('refuses a block larger than its limit', () => {
    const parser = new SseParser(16);
    expect(() => parser.push(Buffer.from('data: 0123456789abcdef'))).toThrow(/larger than 16 bytes/);
  });

  it('yields the same events and bytes for every way of splitting the stream', () => {
    const field = fc.constantFrom('data', 'event', 'id', ':comment', 'retry');
    const value = fc.string({ unit: fc.constantFrom('a', 'é', '💡', ' ', '{', '"', ':'), maxLength: 8 });
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    const line = fc.tuple(field, value, eol).map(([name, text, end]) => `${name}: ${text}${end}`);
    const block = fc.tuple(fc.array(line, { maxLength: 4 }), eol).map(([lines, end]) => lines.join('') + end);
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (blocks, rawCuts) => {
        const input = Buffer.from(blocks.join(''));
        const cuts = rawCuts.map((cut) => cut % (input.length + 1));
        const whole = parseInChunks(input, []);
        const split = parseInChunks(input, cuts);
        expect(split.map((b) => b.event)).toEqual(whole.map((b) => b.event));
        expect(Buffer.concat(split.map((b) => b.raw)).equals(input)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('finds the same blocks on the LF-only fast path as the general path does with CRLF line ends', () => {
    const field = fc.constantFrom('data', 'event', 'id', ':comment', 'retry', 'data:', '');
    const value = fc.string({ unit: fc.constantFrom('a', 'é', '💡', ' ', '{', '"', ':'), maxLength: 8 });
    const line = fc.tuple(field, value).map(([name, text]) => `${name}: ${text}\n`);
    const block = fc.array(line, { maxLength: 4 }).map((lines) => `${lines.join('')}\n`);
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), fc.string({ unit: fc.constantFrom('d', 'a', ':', ' ', '\n'), maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (blocks, tail, rawCuts) => {
        const lfText = blocks.join('') + tail;
        const lf = Buffer.from(lfText);
        const cuts = rawCuts.map((cut) => cut % (lf.length + 1));
        const fast = parseInChunks(lf, cuts);
        const general = parseInChunks(Buffer.from(lfText.replaceAll('\n', '\r\n')), []);
        expect(fast.map((b) => b.event)).toEqual(general.map((b) => b.event));
        expect(fast.map((b) => b.raw.toString().replaceAll('\n', '\r\n'))).toEqual(general.map((b) => b.raw.toString()));
      }),
      { numRuns: 600 },
    );
  });
});
