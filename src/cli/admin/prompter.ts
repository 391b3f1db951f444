import { createInterface, type Interface } from 'node:readline';
import { CliError, UsageError } from '../cli-errors.js';
import { readSecretInput, type SecretInputStream } from '../secret-input.js';

/** What reading a line came to: a line, the end of input (Ctrl-D, EOF), or Ctrl-C at the prompt. */
export type Answer = { kind: 'line'; text: string } | { kind: 'end' } | { kind: 'interrupt'; lineWasEmpty: boolean };

/** Where `auxot admin` reads the person's lines and secrets from. */
export interface Prompter {
  ask(prompt: string): Promise<Answer>;
  /** A secret, never echoed; undefined when the person cancelled (Ctrl-C) or the input ended. */
  askSecret(prompt: string): Promise<string | undefined>;
  /** Ends reading: a pending `ask` resolves as the end of input. */
  close(): void;
}

export interface PromptStreams {
  input: SecretInputStream;
  output: NodeJS.WritableStream;
}

/** A terminal prompter for a TTY, a line-per-answer one for piped input (scripts). */
export function createPrompter(streams: PromptStreams): Prompter {
  return streams.input.isTTY === true && streams.input.setRawMode !== undefined ? new TerminalPrompter(streams) : new PipedPrompter(streams);
}

/**
 * On a terminal every question gets its own readline interface, closed before anything else
 * reads the keyboard: a hidden secret prompt must be the only reader of stdin, or readline would
 * echo the keys. History is shared between the interfaces so the up arrow still works.
 */
class TerminalPrompter implements Prompter {
  private readonly history: string[] = [];
  private current: Interface | undefined;

  constructor(private readonly streams: PromptStreams) {}

  ask(prompt: string): Promise<Answer> {
    const rl = createInterface({ input: this.streams.input, output: this.streams.output, terminal: true, history: this.history, historySize: 200, removeHistoryDuplicates: true });
    this.current = rl;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (answer: Answer): void => {
        if (settled) return;
        settled = true;
        this.current = undefined;
        rl.close();
        resolve(answer);
      };
      // With a listener here, readline reports Ctrl-C instead of pausing: the session decides what it means.
      rl.on('SIGINT', () => {
        const lineWasEmpty = rl.line === '';
        this.streams.output.write('^C\n');
        finish({ kind: 'interrupt', lineWasEmpty });
      });
      rl.once('close', () => finish({ kind: 'end' }));
      rl.question(prompt, (text) => finish({ kind: 'line', text }));
    });
  }

  async askSecret(prompt: string): Promise<string | undefined> {
    for (;;) {
      try {
        return await readSecretInput(this.streams.input, (text) => this.streams.output.write(text), prompt);
      } catch (error) {
        if (error instanceof UsageError) {
          this.streams.output.write('A value is needed (Ctrl-C to cancel).\n');
          continue;
        }
        if (error instanceof CliError && error.message === 'cancelled') return undefined;
        throw error;
      }
    }
  }

  close(): void {
    this.current?.close();
  }
}

/**
 * Piped input is a script: one line per answer, in order — a message, a secret's value, the
 * reply to "Apply this plan?". Lines are echoed after their prompt so the output reads as a
 * transcript; a secret's never is.
 */
class PipedPrompter implements Prompter {
  private readonly rl: Interface;
  private readonly lines: AsyncIterator<string>;
  private ended = false;

  constructor(private readonly streams: PromptStreams) {
    this.rl = createInterface({ input: streams.input, terminal: false });
    this.lines = this.rl[Symbol.asyncIterator]();
  }

  async ask(prompt: string): Promise<Answer> {
    const text = await this.next();
    if (text === undefined) return { kind: 'end' };
    this.streams.output.write(`${prompt}${text}\n`);
    return { kind: 'line', text };
  }

  async askSecret(prompt: string): Promise<string | undefined> {
    this.streams.output.write(prompt);
    const text = await this.next();
    this.streams.output.write(text === undefined ? '(no more input)\n' : '(read from input, not shown)\n');
    return text === undefined || text === '' ? undefined : text;
  }

  close(): void {
    this.ended = true;
    this.rl.close();
  }

  private async next(): Promise<string | undefined> {
    if (this.ended) return undefined;
    const result = await this.lines.next();
    if (result.done === true) {
      this.ended = true;
      return undefined;
    }
    return result.value;
  }
}
