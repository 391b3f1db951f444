import type { JsonObject } from './json.js';

/** The wire codecs Auxot speaks. */
export type DialectId = 'openai-chat' | 'anthropic-messages' | 'openai-responses';

/**
 * The canonical request every surface decodes into and every provider encodes from.
 * Shaped after Anthropic Messages: system apart from the turns, tool results inside user turns.
 */
export interface ChatRequest {
  /** The model or route alias the caller asked for (`auto`, `coding`, `gpt-4.1`, ...). */
  model: string;
  /** System instructions in order, including `system`/`developer` messages found inside the turns. */
  system: TextPart[];
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** False forbids more than one tool call per turn. */
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences: string[];
  reasoning?: ReasoningOptions;
  responseFormat?: ResponseFormat;
  /** Opaque end-user id (OpenAI `user`/`safety_identifier`, Anthropic `metadata.user_id`). */
  endUserId?: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: the caller wants the final usage chunk. */
  includeUsage: boolean;
  /** Caller features the canonical model cannot carry (kept in `source` for passthrough, lost in translation). */
  warnings: string[];
  /** The request as it arrived, for same-dialect passthrough and for headers that must be forwarded. */
  source: RequestSource;
}

/** What a model needs to answer: the request without its wire source (what travels to workers). */
export type ModelRequest = Omit<ChatRequest, 'source' | 'warnings'>;

export interface RequestSource {
  dialect: DialectId;
  body: JsonObject;
  /** The exact bytes the caller sent; relayed unchanged when nothing needs patching. */
  raw: Buffer;
  /** `anthropic-version` / `anthropic-beta` and similar, only forwarded to an upstream of the same dialect. */
  headers: Record<string, string>;
  /** The caller's `Via` chain: forwarded to every upstream with this hop added, so loops are seen. */
  via?: string;
}

export type Message = UserMessage | AssistantMessage;

export interface UserMessage {
  role: 'user';
  content: UserPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  content: AssistantPart[];
}

export type UserPart = TextPart | ImagePart | DocumentPart | ToolResultPart;
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart;

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  source: MediaSource;
}

/** A PDF or other document the model reads (Anthropic `document`, OpenAI `file`). */
export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  filename?: string;
}

export type MediaSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string };

export interface ToolResultPart {
  type: 'tool-result';
  callId: string;
  content: Array<TextPart | ImagePart>;
  isError: boolean;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic's signature; must travel back unchanged to Anthropic on tool-use turns. */
  signature?: string;
  /** Anthropic `redacted_thinking` payload; `text` is empty then. */
  redactedData?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  callId: string;
  name: string;
  /** The arguments as JSON text, exactly as the model wrote them (may be invalid JSON). */
  argumentsJson: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments; always an object schema. */
  inputSchema: JsonObject;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface ReasoningOptions {
  effort?: ReasoningEffort;
  /** Anthropic extended thinking budget. */
  budgetTokens?: number;
}

export type ResponseFormat =
  | { type: 'json-object' }
  | { type: 'json-schema'; name?: string; schema: JsonObject; strict?: boolean };
