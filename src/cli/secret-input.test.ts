import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecretInput, type SecretInputStream } from './secret-input.js';

/** A stream that says it is a terminal and records the raw-mode switches, as a TTY would get them. */
function terminal(): { input: SecretInputStream & PassThrough; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (mode: boolean) => rawModes.push(mode) });
  return { input, rawModes };
}

describe('reading a secret from standard input', () => {
  it('on a terminal: prompts, reads in raw mode without echoing, applies backspace, and restores the mode', async () => {
    const { input, rawModes } = terminal();
    const written: string[] = [];
    const reading = readSecretInput(input, (text) => written.push(text), 'Value: ');
    input.write('s3cr');
    input.write('x\u007fet-value\r');
    expect(await reading).toBe('s3cret-value');
    expect(rawModes).toEqual([true, false]);
    expect(written).toEqual(['Value: ', '\n']);
  });

  it('on a terminal: Ctrl-C cancels and leaves raw mode', async () => {
    const { input, rawModes } = terminal();
    const reading = readSecretInput(input, () => undefined, 'Value: ');
    input.write('abc\u0003');
    await expect(reading).rejects.toThrow(/cancelled/);
    expect(rawModes).toEqual([true, false]);
  });

  it('from a pipe: reads everything and drops one trailing newline', async () => {
    const input = new PassThrough();
    const reading = readSecretInput(input, () => undefined, 'unused');
    input.end('line one\nline two\n');
    expect(await reading).toBe('line one\nline two');
  });

  it('refuses an empty value as a usage error', async () => {
    const input = new PassThrough();
    const reading = readSecretInput(input, () => undefined, 'unused');
    input.end('\n');
    await expect(reading).rejects.toMatchObject({ name: 'UsageError' });
  });
});
