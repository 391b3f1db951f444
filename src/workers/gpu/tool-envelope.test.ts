import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { initialEnvelopeState, stepEnvelope, type EnvelopeOutput, type EnvelopeState } from './tool-envelope.js';

function feedAll(chunks: string[]): { state: EnvelopeState; outputs: EnvelopeOutput[][] } {
  let state = initialEnvelopeState;
  const outputs: EnvelopeOutput[][] = [];
  for (const chunk of chunks) {
    const step = stepEnvelope(state, chunk);
    state = step.state;
    outputs.push(step.output);
  }
  return { state, outputs };
}

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

describe('stepEnvelope', () => {
  test('emits the name once the arguments value begins, then the arguments, and drops the closing brace', () => {
    const { state, outputs } = feedAll(['{\n    "na', 'me": "get_time",', '"arguments":', ' {"tz": "U', 'TC"}', '\n}']);
    expect(outputs).toEqual([
      [],
      [],
      [],
      [
        { type: 'name', name: 'get_time' },
        { type: 'arguments', json: '{"tz": "U' },
      ],
      [{ type: 'arguments', json: 'TC"}' }],
      [],
    ]);
    expect(state).toEqual({ phase: 'tail' });
  });

  test('braces, brackets and escaped quotes inside strings do not end the arguments', () => {
    const args = '{"a": "}\\"]{", "b": [1, {"c": "\\\\"}]}';
    const { outputs } = feedAll([`{"name":"x","arguments":${args}}`]);
    expect(outputs).toEqual([
      [
        { type: 'name', name: 'x' },
        { type: 'arguments', json: args },
      ],
    ]);
  });

  test('a name with escapes is decoded', () => {
    const { outputs } = feedAll(['{"name":"a\\"b","arguments":{}}']);
    expect(outputs[0]?.[0]).toEqual({ type: 'name', name: 'a"b' });
  });

  test('an envelope cut off before the arguments start yields nothing', () => {
    const { state, outputs } = feedAll(['{"name": "get_time", "arguments": ']);
    expect(outputs).toEqual([[]]);
    expect(state.phase).toBe('head');
  });

  test('property: any envelope split anywhere yields the name once and the arguments byte for byte', () => {
    const whitespace = fc.constantFrom('', ' ', '\n    ', '\t', '\n');
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constantFrom(undefined, 2, '\t'),
        fc.tuple(whitespace, whitespace, whitespace, whitespace),
        fc.array(fc.nat(), { maxLength: 12 }),
        (name, argumentsValue, indent, [ws1, ws2, ws3, ws4], cuts) => {
          const argumentsJson = JSON.stringify(argumentsValue, null, indent);
          const envelope = `{${ws1}"name":${ws2}${JSON.stringify(name)},${ws3}"arguments": ${argumentsJson}${ws4}}`;
          const { state, outputs } = feedAll(splitAt(envelope, cuts));
          const flat = outputs.flat();
          expect(flat[0]).toEqual({ type: 'name', name });
          expect(flat.slice(1).every((output) => output.type === 'arguments')).toBe(true);
          expect(flat.map((output) => (output.type === 'arguments' ? output.json : '')).join('')).toBe(argumentsJson);
          expect(state).toEqual({ phase: 'tail' });
        },
      ),
    );
  });
});
