import { describe, expect, test } from 'vitest';
import { claudeArgs, claudeEnv, DEFAULT_PATH } from './claude-command.js';
import { JOB_TAG_VARIABLE } from './process-reaper.js';
import { chatRequest } from './test-support/engine-harness.js';

const base = { model: 'claude-sonnet-4', request: chatRequest(), systemPromptFile: undefined, maxTurns: undefined, allowedTools: [], permissionMode: undefined, persistSessions: false };

describe('claudeArgs', () => {
  test('the minimal command line', () => {
    expect(claudeArgs(base)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--input-format',
      'stream-json',
      '--include-partial-messages',
      '--model',
      'claude-sonnet-4',
      '--no-session-persistence',
    ]);
  });

  test('every option', () => {
    const args = claudeArgs({
      ...base,
      request: chatRequest({ reasoning: { effort: 'minimal' } }),
      systemPromptFile: '/slot/tmp/append-system-prompt.txt',
      maxTurns: 3,
      allowedTools: ['Bash', 'Read'],
      permissionMode: 'acceptEdits',
      persistSessions: true,
    });
    expect(args.slice(9)).toEqual([
      '--append-system-prompt-file',
      '/slot/tmp/append-system-prompt.txt',
      '--max-turns',
      '3',
      '--allowedTools',
      'Bash,Read',
      '--permission-mode',
      'acceptEdits',
      '--effort',
      'low',
    ]);
  });

  test('reasoning effort maps onto --effort, and "none" adds no flag', () => {
    const effortOf = (effort: 'none' | 'high' | 'max') => {
      const args = claudeArgs({ ...base, request: chatRequest({ reasoning: { effort } }) });
      const at = args.indexOf('--effort');
      return at < 0 ? undefined : args[at + 1];
    };
    expect(effortOf('high')).toBe('high');
    expect(effortOf('max')).toBe('max');
    expect(effortOf('none')).toBeUndefined();
  });
});

describe('claudeEnv', () => {
  const input = {
    operatorEnv: { ANTHROPIC_API_KEY: 'sk-op', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/api/anthropic' },
    home: '/w/slot-0/home',
    tmpDir: '/w/slot-0/tmp',
    jobTag: 'tag-1',
    request: chatRequest(),
  };

  test('is built from scratch: isolation defaults, the operator variables, then the forced ones', () => {
    expect(claudeEnv(input)).toEqual({
      PATH: DEFAULT_PATH,
      CLAUDE_CODE_DISABLE_AUTO_MEMORY: '1',
      CLAUDE_CODE_DISABLE_CLAUDE_MDS: '1',
      CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK: '1',
      ANTHROPIC_API_KEY: 'sk-op',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/api/anthropic',
      HOME: '/w/slot-0/home',
      TMPDIR: '/w/slot-0/tmp',
      CLAUDE_CODE_TMPDIR: '/w/slot-0/tmp',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      [JOB_TAG_VARIABLE]: 'tag-1',
    });
  });

  test('the operator may override defaults and PATH, but not HOME, TMPDIR, the traffic switch or the tag', () => {
    const env = claudeEnv({
      ...input,
      operatorEnv: {
        PATH: '/opt/bin',
        CLAUDE_CODE_DISABLE_CLAUDE_MDS: '0',
        HOME: '/root',
        TMPDIR: '/tmp',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0',
        [JOB_TAG_VARIABLE]: 'forged',
      },
    });
    expect(env).toMatchObject({ PATH: '/opt/bin', CLAUDE_CODE_DISABLE_CLAUDE_MDS: '0', HOME: '/w/slot-0/home', TMPDIR: '/w/slot-0/tmp' });
    expect(env).toMatchObject({ CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', [JOB_TAG_VARIABLE]: 'tag-1' });
  });

  test('the caller limits become per-process settings', () => {
    const env = claudeEnv({ ...input, request: chatRequest({ maxOutputTokens: 512, reasoning: { effort: 'none' } }) });
    expect(env['CLAUDE_CODE_MAX_OUTPUT_TOKENS']).toBe('512');
    expect(env['CLAUDE_CODE_DISABLE_THINKING']).toBe('1');
  });
});
