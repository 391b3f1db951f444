/** Which vendor wire format a mock upstream speaks. */
export type MockDialect = 'openai' | 'anthropic';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** JSON text, sent as-is (so a test can script invalid or oddly spaced arguments). */
  arguments: string;
}

export type ScriptedFinish = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ScriptedUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

/** How the SSE bytes are cut into socket writes: per event, at seeded-random byte offsets, or every N bytes. */
export type SplitMode = 'event' | 'random' | number;

/** One scripted model answer. A turn with no reasoning, text or tool calls answers with a default text. */
export interface ScriptedTurn {
  /** Defaults to `chatcmpl-mock<n>` / `msg_mock<n>`, n counting every request the server received. */
  id?: string;
  /** Defaults to the request's model. */
  model?: string;
  /** openai: `delta.reasoning_content`; anthropic: a thinking block. */
  reasoning?: string;
  /** anthropic `signature_delta` (default 'sig-test'). */
  reasoningSignature?: string;
  text?: string;
  /** Parallel tool calls, in order. */
  toolCalls?: ScriptedToolCall[];
  /** Default: tool_calls when toolCalls is non-empty, else stop. */
  finish?: ScriptedFinish;
  /** Default: input from `estimateInputTokens(body)`, output from the generated characters / 4. */
  usage?: ScriptedUsage;
  /** Text, reasoning and arguments are split into deltas of this many characters (default 3). */
  fragmentChars?: number;
  /** Default 'event'. */
  split?: SplitMode;
  /** Seed for split 'random' (default 1). */
  seed?: number;
  /** Pause between socket writes (default 0). */
  delayMs?: number;
}

export type Scenario =
  /** A normal answer, streamed or not as the request asked. */
  | { kind: 'turn'; turn?: ScriptedTurn }
  /** A plain HTTP answer, e.g. 429 with retry-after. The default body is the dialect's error shape for the status. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** The socket is reset (RST) before any byte is written. */
  | { kind: 'reset-before-headers' }
  /** The request is accepted and never answered, until the client leaves or `releaseHanging()`/`close()`. */
  | { kind: 'hang-before-headers' }
  /** 200, the first `events` SSE events, then RST. */
  | { kind: 'reset-after-events'; turn?: ScriptedTurn; events: number }
  /** 200, the first `events` SSE events, then silence. */
  | { kind: 'hang-after-events'; turn?: ScriptedTurn; events: number }
  /** 200, the first `events` SSE events, then a clean end of the body with no terminal event. */
  | { kind: 'end-without-terminal'; turn?: ScriptedTurn; events: number }
  /** 200, the first `afterEvents` SSE events, then the dialect's in-stream error frame, then a clean end. */
  | { kind: 'error-event'; afterEvents: number; errorType?: string; message?: string; turn?: ScriptedTurn }
  /** Exactly these bytes (Node still adds Date, Connection and Transfer-Encoding). */
  | { kind: 'raw'; status: number; headers: Record<string, string>; chunks: Array<string | Buffer>; delayMs?: number };

export interface RecordedRequest {
  method: string;
  /** Path with its query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  rawBody: Buffer;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** Set when the client closed the connection before the mock finished its response. */
  abortedAt?: number;
  /** Set when the mock finished writing its whole response. */
  completedAt?: number;
  /** Response body bytes written (and flushed) so far. */
  bytesWritten?: number;
}

export interface MockUpstream {
  readonly dialect: MockDialect;
  /** openai: http://127.0.0.1:P/v1 (SDK convention, includes /v1); anthropic: http://127.0.0.1:P (no /v1). */
  readonly baseUrl: string;
  readonly port: number;
  /**
   * Chat requests (`/v1/chat/completions`, `/v1/responses`, `/v1/messages`) in arrival order, whatever they were answered with,
   * including the 400s (bad body) and 401s (`requireApiKey`) that consumed no scenario.
   */
  readonly requests: RecordedRequest[];
  /** Every request, chat or not (models, count_tokens, unknown paths), in arrival order. */
  readonly allRequests: RecordedRequest[];
  /** Scenarios consumed in order by chat requests; when the queue is empty the handler (or a default turn) answers. */
  enqueue(...scenarios: Scenario[]): void;
  /** Resolves once the mock has written at least `bytes` of its response body to this request. */
  waitForBytes(request: RecordedRequest, bytes: number, timeoutMs?: number): Promise<void>;
  /** Decide per request (e.g. answer with a tool call first, then text once a tool result is in the messages). */
  setHandler(handler: (request: RecordedRequest) => Scenario): void;
  /** Resolves with the chat requests so far once at least n have arrived (rejects after timeoutMs, default 5000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Resolves with `abortedAt` once the client aborted the given request (rejects after timeoutMs, default 5000). */
  waitForAbort(request: RecordedRequest, timeoutMs?: number): Promise<number>;
  /** Destroys the socket of every hanging response — call before close in tests that hang. */
  releaseHanging(): void;
  close(): Promise<void>;
}

export interface MockUpstreamOptions {
  dialect: MockDialect;
  /** openai checks `Authorization: Bearer <key>`; anthropic checks `x-api-key` or Bearer. Otherwise 401. */
  requireApiKey?: string;
  /** Ids listed by `GET /v1/models` (default one id per dialect: `gpt-mock` / `claude-mock`). */
  models?: string[];
  /** openai `/v1/embeddings` answers floats even when asked for base64 (old llama.cpp builds do). */
  embeddingsFloatOnly?: boolean;
}
