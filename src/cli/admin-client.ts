import { CliError } from './cli-errors.js';

/** How API field names read as flags, so errors name what the person typed (`baseUrl` → `--base-url`). */
export type FlagNames = Readonly<Record<string, string>>;

interface ApiErrorBody {
  error?: { type?: unknown; message?: unknown; param?: unknown };
}

/** How `stream` asks: GET by default; a body is sent as JSON. */
export interface StreamRequest {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

/** A small client for the management REST API, used by the `auxot` admin commands. */
export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  async call(method: string, path: string, body?: unknown, flags: FlagNames = {}, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send(method, path, body, signal);
    if (response.status === 204) return undefined;
    const text = await response.text();
    const parsed = parseJson(text);
    if (parsed === NOT_JSON) throw this.notAuxot(response);
    if (!response.ok) throw new CliError(`HTTP ${response.status}: ${errorText(parsed as ApiErrorBody | undefined, text, flags)}`);
    return parsed;
  }

  /**
   * A request whose answer is read as it arrives (exports, a streamed Admin Agent turn): the
   * body's chunks, never held whole. Refusals are read and reported like `call`'s. Aborting
   * `signal` hangs up; the abort reaches the caller as the AbortError itself, not as "cannot reach".
   */
  async stream(path: string, contentTypes: readonly string[], flags: FlagNames = {}, request: StreamRequest = {}): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.send(request.method ?? 'GET', path, request.body, request.signal);
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!response.ok) {
      const text = await response.text();
      const parsed = parseJson(text);
      if (parsed === NOT_JSON) throw this.notAuxot(response);
      throw new CliError(`HTTP ${response.status}: ${errorText(parsed as ApiErrorBody | undefined, text, flags)}`);
    }
    if (!contentTypes.includes(type) || response.body === null) {
      await response.body?.cancel();
      throw this.notAuxot(response);
    }
    return response.body;
  }

  private async send(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    if (this.key === undefined || this.key === '') {
      throw new CliError('no admin key: set AUXOT_ADMIN_KEY (or pass --key) to an owner or admin API key');
    }
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(`cannot reach Auxot at ${this.baseUrl} (${cause}); is \`auxot serve\` running there? Set --url or AUXOT_URL.`);
    }
  }

  private notAuxot(response: Response): CliError {
    const type = response.headers.get('content-type') ?? 'no content type';
    return new CliError(
      `${this.baseUrl} answered HTTP ${response.status} with ${type.split(';')[0]}, not Auxot's JSON API; check --url (AUXOT_URL) points at an Auxot server`,
    );
  }
}

const NOT_JSON = Symbol('not json');

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** The API's message with every `field: ` it names rewritten as the flag that sets it. */
function errorText(body: ApiErrorBody | undefined, text: string, flags: FlagNames): string {
  const message = typeof body?.error?.message === 'string' ? body.error.message : text;
  const param = typeof body?.error?.param === 'string' ? body.error.param : undefined;
  let named = message.replace(/(^|; )([A-Za-z][\w.]*): /g, (whole, separator: string, field: string) => {
    const flag = flags[field];
    return flag === undefined ? whole : `${separator}${flag}: `;
  });
  const paramFlag = param === undefined ? undefined : flags[param];
  if (paramFlag !== undefined && !named.includes(paramFlag)) named = `${paramFlag}: ${named}`;
  return named;
}
