import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPrompter } from './prompter.js';

/** A stream that says it is a terminal, as process.stdin on a TTY does. */
function terminal(): PassThrough & { isTTY: true; setRawMode: (mode: boolean) => void; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  return Object.assign(new PassThrough(), { isTTY: true as const, rawModes, setRawMode: (mode: boolean) => void rawModes.push(mode) });
}

function recorder(): { output: PassThrough; text: () => string } {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { output, text: () => text };
}

describe('reading the person’s answers', () => {
  it('on a terminal: a line, Ctrl-C at an empty and at a non-empty line, Ctrl-D', async () => {
    const input = terminal();
    const { output } = recorder();
    const prompter = createPrompter({ input, output });
    const line = prompter.ask('you › ');
    input.write('list providers\r');
    expect(await line).toEqual({ kind: 'line', text: 'list providers' });
    const empty = prompter.ask('you › ');
    input.write('\u0003');
    expect(await empty).toEqual({ kind: 'interrupt', lineWasEmpty: true });
    const typed = prompter.ask('you › ');
    input.write('half\u0003');
    expect(await typed).toEqual({ kind: 'interrupt', lineWasEmpty: false });
    const end = prompter.ask('you › ');
    input.write('\u0004');
    expect(await end).toEqual({ kind: 'end' });
    // Every question left raw mode again, so a hidden prompt or a signal can follow.
    expect(input.rawModes.at(-1)).toBe(false);
  });

  it('on a terminal: a secret is read without echo, and Ctrl-C there cancels it', async () => {
    const input = terminal();
    const { output, text } = recorder();
    const prompter = createPrompter({ input, output });
    const secret = prompter.askSecret('Key (hidden): ');
    input.write('sk-typed-value\r');
    expect(await secret).toBe('sk-typed-value');
    const cancelled = prompter.askSecret('Key (hidden): ');
    input.write('abc\u0003');
    expect(await cancelled).toBeUndefined();
    expect(text()).not.toContain('sk-typed-value');
    expect(text()).not.toContain('abc');
  });

  it('from a pipe: one line per answer in order, echoed after its prompt except a secret', async () => {
    const input = new PassThrough();
    const { output, text } = recorder();
    const prompter = createPrompter({ input, output });
    input.end('add anthropic\nsk-from-the-script\ny\n');
    expect(await prompter.ask('you › ')).toEqual({ kind: 'line', text: 'add anthropic' });
    expect(await prompter.askSecret('Key: ')).toBe('sk-from-the-script');
    expect(await prompter.ask('Apply? ')).toEqual({ kind: 'line', text: 'y' });
    expect(await prompter.ask('you › ')).toEqual({ kind: 'end' });
    expect(await prompter.askSecret('Key: ')).toBeUndefined();
    expect(text()).toBe('you › add anthropic\nKey: (read from input, not shown)\nApply? y\nKey: (no more input)\n');
  });

  it('from a pipe: close ends a question still waiting for its line', async () => {
    const input = new PassThrough();
    const prompter = createPrompter({ input, output: new PassThrough() });
    const waiting = prompter.ask('you › ');
    prompter.close();
    expect(await waiting).toEqual({ kind: 'end' });
  });
});
