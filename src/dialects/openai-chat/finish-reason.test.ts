import { describe, expect, it } from 'vitest';
import { finishReasonFromWire, finishReasonToWire } from './finish-reason.js';

describe('finishReasonFromWire', () => {
  it.each([
    ['stop', false, { unified: 'stop', raw: 'stop' }],
    ['length', false, { unified: 'length', raw: 'length' }],
    ['tool_calls', true, { unified: 'tool-calls', raw: 'tool_calls' }],
    ['function_call', false, { unified: 'tool-calls', raw: 'function_call' }],
    ['content_filter', false, { unified: 'content-filter', raw: 'content_filter' }],
    ['eos_token', false, { unified: 'other', raw: 'eos_token' }],
    ['stop', true, { unified: 'tool-calls', raw: 'stop' }],
    ['length', true, { unified: 'length', raw: 'length' }],
    [undefined, false, { unified: 'stop' }],
    [undefined, true, { unified: 'tool-calls' }],
  ] as const)('%s with tool calls=%s → %j', (raw, sawToolCall, expected) => {
    expect(finishReasonFromWire(raw, sawToolCall)).toEqual(expected);
  });
});

describe('finishReasonToWire', () => {
  it.each([
    ['stop', false, 'stop'],
    ['length', false, 'length'],
    ['tool-calls', true, 'tool_calls'],
    ['content-filter', false, 'content_filter'],
    ['error', false, 'stop'],
    ['other', false, 'stop'],
    ['stop', true, 'tool_calls'],
    ['other', true, 'tool_calls'],
    ['length', true, 'length'],
  ] as const)('%s with tool calls=%s → %s', (unified, sawToolCall, expected) => {
    expect(finishReasonToWire({ unified }, sawToolCall)).toBe(expected);
  });
});
