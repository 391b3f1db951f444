import { afterEach, describe, expect, it } from 'vitest';
import { spawnPty, terminalText, type PtyProcess } from './pty.js';

/** A small program that behaves like a terminal application; each mode proves one thing about the driver. */
const PROGRAM = `
const mode = process.argv[1];
const say = (text) => process.stdout.write(text + '\\n');
say('isTTY stdin=' + process.stdin.isTTY + ' stdout=' + process.stdout.isTTY + ' columns=' + process.stdout.columns);
if (mode === 'cooked') {
  process.on('SIGINT', () => { say('got SIGINT'); process.exit(7); });
  process.stdin.on('data', (data) => say('line ' + JSON.stringify(data.toString())));
  say('ready');
} else if (mode === 'raw') {
  process.stdin.setRawMode(true);
  let value = '';
  process.stdin.on('data', (data) => {
    for (const character of data.toString()) {
      if (character === '\\u0003') { say('raw ctrl-c'); process.exit(3); }
      if (character === '\\r') { say('read ' + value.length + ' characters'); value = ''; } else value += character;
    }
  });
  process.stdout.write('Secret: ');
}
`;

describe('the pseudo-terminal driver', () => {
  let pty: PtyProcess | undefined;
  afterEach(async () => {
    await pty?.close();
    pty = undefined;
  });

  it('gives the program a real terminal on stdin and stdout, with a size', async () => {
    pty = spawnPty([process.execPath, '-e', PROGRAM, 'cooked']);
    const [line] = await pty.waitFor(/isTTY .*/);
    expect(line).toBe('isTTY stdin=true stdout=true columns=100');
  });

  it('echoes typed text in cooked mode (the terminal does, not the program) and turns Ctrl-C into SIGINT', async () => {
    pty = spawnPty([process.execPath, '-e', PROGRAM, 'cooked']);
    await pty.waitFor(/ready\n/);
    pty.typeLine('visible words');
    await pty.waitFor(/^visible words\n/m);
    await pty.waitFor(/line "visible words\\n"/);
    pty.write('\u0003');
    await pty.waitFor(/got SIGINT/);
    expect(await pty.exited).toBe(7);
  });

  it('shows nothing of what is typed in raw mode, and delivers Ctrl-C there as the byte \\x03', async () => {
    pty = spawnPty([process.execPath, '-e', PROGRAM, 'raw']);
    await pty.waitFor(/Secret: /);
    pty.typeLine('hunter2-not-shown');
    await pty.waitFor(/read 17 characters/);
    expect(pty.rawOutput()).not.toContain('hunter2');
    pty.write('\u0003');
    await pty.waitFor(/raw ctrl-c/);
    expect(await pty.exited).toBe(3);
  });

  it('waits in order: each match moves the cursor, and a program that exits without the text fails the wait', async () => {
    pty = spawnPty([process.execPath, '-e', 'console.log("one"); console.log("two"); console.log("one again")']);
    await pty.waitFor(/two/);
    expect((await pty.waitFor(/one\s*\w*/))[0]).toBe('one again');
    await expect(pty.waitFor(/three/)).rejects.toThrow(/exited \(0\) without printing \/three\//);
  });

  it('reads escape sequences and carriage returns out of the text', () => {
    expect(terminalText('\u001b[1mbold\u001b[0m\r\n\u001b[2K\rnext\u001b]0;title\u0007')).toBe('bold\nnext');
  });
});
