import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from './logger.js';

function collect(options: Omit<LoggerOptions, 'write'> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, write: (line) => lines.push(line) });
  return { logger, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON object per line with an ISO time, a level label, the message and the fields', () => {
    const { logger, lines, json } = collect();
    logger.info('worker connected', { workerId: 'wkey_1', provider: 'rack', slots: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const [entry] = json();
    expect(entry).toMatchObject({ level: 'info', msg: 'worker connected', workerId: 'wkey_1', provider: 'rack', slots: 2 });
    expect(String(entry?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('drops lines below its level and honours silent', () => {
    const warnOnly = collect({ level: 'warn' });
    warnOnly.logger.debug('d');
    warnOnly.logger.info('i');
    warnOnly.logger.warn('w');
    warnOnly.logger.error('e');
    expect(warnOnly.json().map((entry) => entry.msg)).toEqual(['w', 'e']);

    const debug = collect({ level: 'debug' });
    debug.logger.debug('d');
    expect(debug.json()[0]).toMatchObject({ level: 'debug', msg: 'd' });

    const silent = collect({ level: 'silent' });
    silent.logger.error('e');
    expect(silent.lines).toEqual([]);
  });

  it('writes an error field with its type, message and stack', () => {
    const { logger, json } = collect();
    logger.error('request failed', { error: new TypeError('boom') });
    const error = json()[0]?.error as { type: string; message: string; stack: string };
    expect(error.type).toBe('TypeError');
    expect(error.message).toBe('boom');
    expect(error.stack).toMatch(/TypeError: boom\n\s+at /);
  });

  it('child loggers carry their bindings on every line', () => {
    const { logger, json } = collect();
    logger.child({ component: 'worker-hub' }).warn('worker missed its heartbeats', { workerId: 'w1' });
    expect(json()[0]).toMatchObject({ component: 'worker-hub', workerId: 'w1', level: 'warn' });
  });

  it('censors fields named like secrets and masks key-shaped strings anywhere in a line', () => {
    const { logger, lines, json } = collect();
    logger.info('calling upstream', {
      apiKey: 'plain-secret-value',
      provider: { name: 'openai', apiKey: 'nested-secret-value' },
      headers: { authorization: 'Bearer sk-live-abcdef123456', 'x-api-key': 'sk-ant-api03-abcdef' },
    });
    logger.warn('upstream said: invalid key sk-proj-0123456789abcdef for caller axk_0123456789abcdef, worker axw_abcdefghij');
    logger.error('copied header: Bearer tok_0123456789');
    const text = lines.join('');
    for (const secret of ['plain-secret-value', 'nested-secret-value', 'sk-live-abcdef123456', 'sk-ant-api03-abcdef', 'sk-proj-0123456789abcdef', 'axk_0123456789abcdef', 'axw_abcdefghij', 'tok_0123456789']) {
      expect(text).not.toContain(secret);
    }
    const [first, second] = json();
    expect(first).toMatchObject({ apiKey: '[redacted]', provider: { name: 'openai', apiKey: '[redacted]' } });
    expect(second?.msg).toBe('upstream said: invalid key sk-[redacted] for caller axk_[redacted], worker axw_[redacted]');
  });

  it('pretty format: time, level, message, fields, and the stack under the line', () => {
    const { logger, lines } = collect({ format: 'pretty', color: false });
    logger.info('auxot listening', { url: 'http://127.0.0.1:8420', providers: 2 });
    logger.error('internal error', { error: new Error('kaput'), note: 'two words' });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}auxot listening {2}url=http:\/\/127\.0\.0\.1:8420 providers=2\n$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR internal error {2}error=kaput note="two words"\n {4}Error: kaput\n {4}\s*at /);
    expect(lines.join('')).not.toContain('\u001b[');
  });

  it('pretty format colours only when asked', () => {
    const { logger, lines } = collect({ format: 'pretty', color: true });
    logger.warn('careful');
    expect(lines[0]).toContain('\u001b[33mWARN \u001b[0m');
  });

  it('accepts a bare line writer, as before', () => {
    const lines: string[] = [];
    createLogger((line) => lines.push(line)).info('hello', { a: 1 });
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: 'hello', a: 1 });
  });
});
