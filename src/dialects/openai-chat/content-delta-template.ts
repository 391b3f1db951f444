import { LearnedTextTemplate } from '../sse/learned-text-template.js';
import type { WireRecord } from './wire-values.js';

const CONTENT_KEY_BEFORE_VALUE = /"content"\s*:\s*"$/;

/**
 * The fast path for the bulk of a stream: content chunks that differ from each other only in
 * their text. `JSON.parse` of each chunk was most of a long stream's relay cost (about 2 µs of a
 * 6.6 µs event), so after one chunk has been parsed the decoder learns its bytes around the
 * content string, and a later chunk with exactly those bytes before and after a string that holds
 * no quote, backslash or control character is read without parsing. Such a chunk is the learned
 * one with another text: it is valid JSON and means the same, only the text differs. Anything
 * else (a finish, usage, a tool call, an escape, another id) takes the full decoder.
 */
export class ContentDeltaTemplate {
  private constructor(private readonly template: LearnedTextTemplate) {}

  /**
   * A template from a chunk the full decoder read, when that chunk is a plain content delta
   * (one choice; a delta holding only `content`; no finish, usage or error) and its content's
   * JSON encoding occurs once in its bytes.
   */
  static learn(data: string, chunk: WireRecord): ContentDeltaTemplate | undefined {
    if (chunk.error !== undefined || (chunk.usage !== undefined && chunk.usage !== null)) return undefined;
    const { choices } = chunk;
    if (!Array.isArray(choices) || choices.length !== 1) return undefined;
    const choice = choices[0] as WireRecord | null;
    if (typeof choice !== 'object' || choice === null) return undefined;
    if ((choice.index !== undefined && choice.index !== 0) || (choice.finish_reason !== undefined && choice.finish_reason !== null)) return undefined;
    const delta = choice.delta as WireRecord | null;
    if (typeof delta !== 'object' || delta === null) return undefined;
    const keys = Object.keys(delta);
    const { content } = delta;
    if (keys.length !== 1 || keys[0] !== 'content' || typeof content !== 'string' || content === '') return undefined;
    const template = LearnedTextTemplate.learn(data, content, CONTENT_KEY_BEFORE_VALUE);
    return template === undefined ? undefined : new ContentDeltaTemplate(template);
  }

  /** The content of `data` when it is this template with another text; undefined otherwise. */
  match(data: string): string | undefined {
    return this.template.match(data);
  }
}
