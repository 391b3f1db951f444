/** A small client for the management REST API, used by the `auxot` subcommands. */
export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    if (this.key === undefined) {
      throw new CliError('No admin key: pass --key or set AUXOT_ADMIN_KEY to an owner or admin API key.');
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CliError(`Cannot reach Auxot at ${this.baseUrl} (${error instanceof Error ? error.message : String(error)}). Is \`auxot serve\` running? Set --url or AUXOT_URL.`);
    }
    if (response.status === 204) return undefined;
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text;
      throw new CliError(`HTTP ${response.status}: ${message}`);
    }
    return parsed;
  }
}

/** An error meant for the person at the terminal: printed without a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
