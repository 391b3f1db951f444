import { CliError, UsageError } from './cli-errors.js';

/** Standard input as the secret reader needs it: a stream that may be a terminal. */
export interface SecretInputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** More than any secret Auxot accepts; reading stops there instead of buffering whatever is piped in. */
const MAX_INPUT_BYTES = 64 * 1024;

/**
 * Reads a secret value from standard input. On a terminal it asks on stderr and reads one line in
 * raw mode without echoing it (backspace edits, Ctrl-C cancels); from a pipe or file it reads
 * everything and drops one trailing newline, so `printf '%s' "$TOKEN" | …` and `… < file` both work.
 */
export async function readSecretInput(input: SecretInputStream, writePrompt: (text: string) => void, prompt: string): Promise<string> {
  const value = input.isTTY === true && input.setRawMode !== undefined ? await readFromTerminal(input, writePrompt, prompt) : await readAll(input);
  if (value === '') throw new UsageError('no value on standard input: pipe it in (printf %s "$VALUE" | auxot secrets set …) or type it at the prompt');
  return value;
}

function readAll(input: SecretInputStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > MAX_INPUT_BYTES) {
        cleanup();
        input.pause();
        reject(new CliError(`standard input holds more than ${MAX_INPUT_BYTES} bytes; a secret is a short value`));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, ''));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new CliError(`cannot read standard input: ${error.message}`));
    };
    const cleanup = (): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    input.resume();
  });
}

function readFromTerminal(input: SecretInputStream, writePrompt: (text: string) => void, prompt: string): Promise<string> {
  const setRawMode = (mode: boolean): unknown => input.setRawMode?.(mode);
  // Echo goes off before the prompt shows: keys typed the moment it appears must not be echoed.
  setRawMode(true);
  writePrompt(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void): void => {
      input.off('data', onData);
      setRawMode(false);
      input.pause();
      writePrompt('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string): void => {
      for (const character of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (character === '\r' || character === '\n' || character === '\u0004') return finish(() => resolve(value));
        if (character === '\u0003') return finish(() => reject(new CliError('cancelled')));
        if (character === '\u007f' || character === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (character >= ' ') value += character;
        if (value.length > MAX_INPUT_BYTES) return finish(() => reject(new CliError('the value is too long for a secret')));
      }
    };
    input.on('data', onData);
    input.resume();
  });
}
