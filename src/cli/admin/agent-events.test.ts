import { describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.js';
import type { AgentEvent, Plan } from './agent-types.js';

const plan: Plan = {
  id: 'plan_1',
  hash: 'h1',
  status: 'proposed',
  operations: [{ index: 1, operation: 'teams.create', summary: 'Create team eng', input: { name: 'eng' }, changes: [{ field: 'name', before: null, after: 'eng' }] }],
  secretSlots: [],
};

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

const STREAM = [
  ': keep-alive\n\n',
  event('text', { delta: 'Let me ' }),
  event('text', { delta: 'look.\n' }),
  event('tool', { name: 'teams.list', kind: 'read', ok: true }),
  event('notice', { text: 'a secret was removed from your message' }),
  event('plan', plan),
  event('done', { message: { role: 'assistant', text: 'Let me look.\n', at: 1, planId: 'plan_1' }, notices: [], plan }),
].join('');

const EXPECTED: AgentEvent[] = [
  { type: 'text', delta: 'Let me ' },
  { type: 'text', delta: 'look.\n' },
  { type: 'tool', name: 'teams.list', kind: 'read', ok: true },
  { type: 'notice', text: 'a secret was removed from your message' },
  { type: 'plan', plan },
  { type: 'done', result: { message: { role: 'assistant', text: 'Let me look.\n', at: 1, planId: 'plan_1' }, notices: [], plan } },
];

async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const item of agentEvents(body)) events.push(item);
  return events;
}

describe('reading a streamed Admin Agent turn', () => {
  it('decodes every event of the contract, skipping keep-alive comments', async () => {
    expect(await collect(chunks(STREAM))).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are cut, including inside a multi-byte character', async () => {
    const bytes = Buffer.from(STREAM.replace('look.', 'lööк.'));
    const expected = EXPECTED.map((item) => (item.type === 'text' && item.delta === 'look.\n' ? { ...item, delta: 'lööк.\n' } : item));
    for (const size of [1, 2, 3, 7, 64]) {
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
      const events = await collect(chunks(...parts));
      expect(events.filter((item) => item.type !== 'done'), `cut every ${size} bytes`).toEqual(expected.filter((item) => item.type !== 'done'));
    }
  });

  it('reads CRLF line ends and a last event without its blank line', async () => {
    const crlf = `event: text\r\ndata: {"delta":"hi"}\r\n\r\nevent: error\r\ndata: {"error":{"type":"overloaded","message":"busy"}}`;
    expect(await collect(chunks(crlf))).toEqual([
      { type: 'text', delta: 'hi' },
      { type: 'error', error: { type: 'overloaded', message: 'busy' } },
    ]);
  });

  it('skips events it does not know and data-less blocks, so a newer server may add some', async () => {
    expect(await collect(chunks('event: progress\ndata: {"step":1}\n\nevent: text\n\n', event('text', { delta: 'ok' })))).toEqual([{ type: 'text', delta: 'ok' }]);
  });

  it('refuses a known event whose data breaks the contract, naming it', async () => {
    await expect(collect(chunks(event('tool', { name: 'x', kind: 'write', ok: true })))).rejects.toThrow(/"tool" event this client cannot read/);
    await expect(collect(chunks('event: text\ndata: {not json\n\n'))).rejects.toThrow(/"text" event whose data is not JSON/);
  });
});
