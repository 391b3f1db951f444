import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from './decode-request.js';
import { preparePassthrough } from './passthrough.js';

/** The surface replaces `raw` with the bytes the caller really sent, spacing and key order included. */
function arrived(text: string) {
  const request = decodeRequest(JSON.parse(text));
  return { ...request, source: { ...request.source, raw: Buffer.from(text) } };
}

describe('preparePassthrough', () => {
  it('returns the caller bytes untouched when nothing needs patching', () => {
    const text = '{ "model": "gpt-4.1",  "messages": [{"role":"user","content":"hi"}], "seed": 1 }';
    const request = arrived(text);
    const prepared = preparePassthrough(request, 'gpt-4.1');
    expect(prepared.body).toBe(request.source.raw);
    expect(prepared.stripUsageOnlyEvents).toBe(false);
  });

  it('keeps bytes untouched for a stream whose caller already asked for usage', () => {
    const request = arrived('{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}');
    expect(preparePassthrough(request, 'm')).toEqual({ body: request.source.raw, stripUsageOnlyEvents: false });
  });

  it('patches only the model when it differs', () => {
    const request = arrived('{"model":"auto","messages":[{"role":"user","content":"hi"}],"logit_bias":{"1":2}}');
    const prepared = preparePassthrough(request, 'qwen3');
    expect(prepared.stripUsageOnlyEvents).toBe(false);
    expect(prepared.body).toBe('{"model":"qwen3","messages":[{"role":"user","content":"hi"}],"logit_bias":{"1":2}}');
  });

  it('adds include_usage for a stream, keeps other stream_options, and asks to strip the usage chunk', () => {
    const request = arrived('{"model":"m","stream":true,"stream_options":{"include_obfuscation":false},"messages":[{"role":"user","content":"hi"}]}');
    const prepared = preparePassthrough(request, 'm');
    expect(prepared.stripUsageOnlyEvents).toBe(true);
    expect(JSON.parse(String(prepared.body))).toEqual({
      model: 'm',
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('overrides include_usage false and a null stream_options', () => {
    for (const options of ['{"include_usage":false}', 'null']) {
      const request = arrived(`{"model":"m","stream":true,"stream_options":${options},"messages":[{"role":"user","content":"hi"}]}`);
      const prepared = preparePassthrough(request, 'other');
      expect(prepared.stripUsageOnlyEvents).toBe(true);
      expect(JSON.parse(String(prepared.body))).toMatchObject({ model: 'other', stream_options: { include_usage: true } });
    }
  });

  it("asks a plain stream for usage inside the caller's own bytes, whatever their spacing and fields", () => {
    // Fields Auxot does not read (`x_…`): the decoder validates the ones it knows.
    const extra = fc.dictionary(
      fc.string({ maxLength: 6 }).map((key) => `x_${key}`),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    );
    const spacing = fc.constantFrom('', ' ', '\n', ' \r\n\t');
    fc.assert(
      fc.property(extra, fc.constantFrom(undefined, 0, 2, '\t'), spacing, (fields, indent, lead) => {
        const body = { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi "there"' }], ...fields };
        const request = arrived(lead + JSON.stringify(body, null, indent));
        const prepared = preparePassthrough(request, 'm');
        expect(prepared.stripUsageOnlyEvents).toBe(true);
        expect(Buffer.isBuffer(prepared.body)).toBe(true);
        expect(String(prepared.body)).toContain(String(request.source.raw).slice(lead.length + 1));
        // Compared as JSON carries it: the generator's -0 reads back as 0 from any JSON text.
        const expected: unknown = JSON.parse(JSON.stringify({ ...body, stream_options: { include_usage: true } }));
        expect(JSON.parse(String(prepared.body))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
