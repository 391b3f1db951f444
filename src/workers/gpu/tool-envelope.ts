/**
 * Streams a grammar-forced `{"name": "<tool>", "arguments": {…}}` answer (the `pick-tool` plan)
 * as a tool name followed by argument fragments, so arguments reach the caller while they are
 * generated, not after the whole envelope is complete.
 *
 * The grammar fixes the shape: `name` first, then `arguments` (an object), then the closing brace,
 * with optional whitespace between tokens. The head is buffered until the first character of the
 * arguments value has arrived; from there a depth counter (string- and escape-aware) finds where
 * the arguments object ends, and everything after it is dropped.
 */
export type EnvelopeState =
  | { phase: 'head'; buffer: string }
  | { phase: 'arguments'; depth: number; inString: boolean; escaped: boolean }
  | { phase: 'tail' };

export type EnvelopeOutput = { type: 'name'; name: string } | { type: 'arguments'; json: string };

export const initialEnvelopeState: EnvelopeState = { phase: 'head', buffer: '' };

// Ends at the first non-space character of the arguments value so that no separator whitespace
// is passed on as part of the arguments.
const head = /^\s*\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"arguments"\s*:\s*(?=\S)/;

export function stepEnvelope(state: EnvelopeState, chunk: string): { state: EnvelopeState; output: EnvelopeOutput[] } {
  switch (state.phase) {
    case 'head': {
      const buffer = state.buffer + chunk;
      const match = head.exec(buffer);
      if (match === null || match[1] === undefined) return { state: { phase: 'head', buffer }, output: [] };
      const name = JSON.parse(match[1]) as string;
      const rest = scanArguments({ phase: 'arguments', depth: 0, inString: false, escaped: false }, buffer.slice(match[0].length));
      return { state: rest.state, output: [{ type: 'name', name }, ...rest.output] };
    }
    case 'arguments':
      return scanArguments(state, chunk);
    case 'tail':
      return { state, output: [] };
  }
}

function scanArguments(
  start: Extract<EnvelopeState, { phase: 'arguments' }>,
  chunk: string,
): { state: EnvelopeState; output: EnvelopeOutput[] } {
  let { depth, inString, escaped } = start;
  for (let i = 0; i < chunk.length; i++) {
    const char = chunk[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return { state: { phase: 'tail' }, output: argumentsOutput(chunk.slice(0, i + 1)) };
    }
  }
  return { state: { phase: 'arguments', depth, inString, escaped }, output: argumentsOutput(chunk) };
}

function argumentsOutput(json: string): EnvelopeOutput[] {
  return json === '' ? [] : [{ type: 'arguments', json }];
}
