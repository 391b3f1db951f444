/** An error meant for the person at the terminal: printed as one line, without a stack trace. Exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (a missing or invalid flag or argument). Exit code 2, like other Unix tools. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_CODES = { ok: 0, failure: 1, usage: 2 } as const;
