/** What a JSON string holds only escaped, or that would end it: a quote, a backslash, a control character. */
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /["\\\u0000-\u001f]/;

/**
 * The bytes of one stream event around its text, learned from an event the full decoder parsed.
 * A later event with exactly those bytes before and after a string that holds no quote,
 * backslash or control character is that event with another text: valid JSON, same meaning, so
 * it is read without parsing. Each dialect decides which events are plain text deltas to learn.
 */
export class LearnedTextTemplate {
  private constructor(
    private readonly prefix: string,
    private readonly suffix: string,
  ) {}

  /**
   * A template from `data` whose text is `text`, when the text's JSON encoding occurs once in it
   * and the bytes before it end with the text's key (`keyBeforeValue`, anchored at the end).
   */
  static learn(data: string, text: string, keyBeforeValue: RegExp): LearnedTextTemplate | undefined {
    if (text === '') return undefined;
    const encoded = JSON.stringify(text);
    const at = data.indexOf(encoded);
    if (at === -1 || data.indexOf(encoded, at + 1) !== -1) return undefined;
    const prefix = data.slice(0, at + 1);
    if (!keyBeforeValue.test(prefix)) return undefined;
    return new LearnedTextTemplate(prefix, data.slice(at + encoded.length - 1));
  }

  /** The text of `data` when it is the learned event with another plain text; undefined otherwise. */
  match(data: string): string | undefined {
    const { prefix, suffix } = this;
    const end = data.length - suffix.length;
    // Slices compared with === (a flat memory compare) measured faster here than startsWith/endsWith.
    if (end < prefix.length || data.slice(end) !== suffix || data.slice(0, prefix.length) !== prefix) return undefined;
    const text = data.slice(prefix.length, end);
    return NOT_PLAIN.test(text) ? undefined : text;
  }
}
