import { describe, expect, it } from 'vitest';
import type { ApplyResult, Plan } from './agent-types.js';
import { COLOR_STYLE, formatValue, PLAIN_STYLE, printable, renderApplyResult, renderBanner, renderNotice, renderPlan, renderToolEvent, styleFor } from './plan-view.js';

const plan: Plan = {
  id: 'plan_1',
  hash: 'h1',
  status: 'proposed',
  operations: [
    {
      index: 1,
      operation: 'providers.create',
      summary: 'Add the Anthropic provider "anthropic"',
      input: { name: 'anthropic', apiKey: { $secret: 'anthropic-key' } },
      changes: [
        { field: 'name', before: null, after: 'anthropic' },
        { field: 'apiKey', before: null, after: { $secret: 'anthropic-key' } },
        { field: 'models', before: null, after: ['claude-sonnet-4', 'claude-haiku-4'] },
      ],
      risk: 'new provider base URL',
    },
    {
      index: 2,
      operation: 'routes.update',
      summary: 'Put anthropic last in route auto',
      input: {},
      changes: [{ field: 'candidates', before: ['gpu'], after: ['gpu', 'anthropic'] }],
    },
  ],
  secretSlots: [{ name: 'anthropic-key', label: 'Anthropic API key', filled: false }],
};

describe('the plan as the person confirms it', () => {
  it('lists the operations as a table, then each one with its diff and risk', () => {
    expect(renderPlan(plan, PLAIN_STYLE)).toBe(
      [
        'Proposed plan plan_1 (2 operations) — nothing changes until you confirm',
        '  #  OPERATION         SUMMARY',
        '  1  providers.create  Add the Anthropic provider "anthropic"',
        '  2  routes.update     Put anthropic last in route auto',
        '',
        '1. providers.create  Add the Anthropic provider "anthropic"',
        '   ⚠ HIGH RISK: new provider base URL',
        '   name:   (none) → anthropic',
        '   apiKey: (none) → ‹secret anthropic-key›',
        '   models: (none) → ["claude-sonnet-4","claude-haiku-4"]',
        '',
        '2. routes.update  Put anthropic last in route auto',
        '   candidates: ["gpu"] → ["gpu","anthropic"]',
        '',
        '⚠ 1 operation is marked high risk: read it before you confirm.',
        '',
        'Secrets (typed at a hidden prompt, sent straight to the server, never to the agent):',
        '  anthropic-key  Anthropic API key  needs a value',
      ].join('\n'),
    );
  });

  it('names an undo plan and a plan that is no longer proposed', () => {
    const undo = renderPlan({ ...plan, id: 'plan_2', undoOf: 'plan_1', status: 'applied', operations: [], secretSlots: [], notes: ['Operation 2 (workerKeys.create) cannot be undone: a delivered key.'] }, PLAIN_STYLE);
    expect(undo.split('\n')).toEqual([
      'Proposed undo of plan plan_1 plan_2 (0 operations) — status: applied',
      '  (no operations)',
      '  note: Operation 2 (workerKeys.create) cannot be undone: a delivered key.',
    ]);
    expect(renderPlan({ ...plan, purpose: 'go-live' }, PLAIN_STYLE)).toMatch(/^Proposed go-live plan plan_1 /);
  });

  it('says when an operation changes no field, and shows a filled slot as entered', () => {
    const text = renderPlan({ ...plan, operations: [{ index: 1, operation: 'keys.revoke', summary: 'Revoke key ci', changes: [] }], secretSlots: [{ name: 's', label: 'S', filled: true }] }, PLAIN_STYLE);
    expect(text).toContain('   (no fields beyond the summary)');
    expect(text).toContain('  s  S  entered');
    expect(text).not.toContain('high risk');
  });

  it('strips terminal control sequences a model or an upstream put into the text', () => {
    const hostile: Plan = {
      ...plan,
      operations: [{ index: 1, operation: 'teams.create', summary: 'Create team\u001b[2K\u001b[1A ops\r', changes: [{ field: 'name\u0007', before: null, after: 'ops\u001b]0;pwned\u0007' }] }],
    };
    const text = renderPlan(hostile, COLOR_STYLE);
    /* eslint-disable no-control-regex -- looking for control characters is the test */
    const withoutOurColours = text.replace(/\u001b\[(?:1|2|22|39|1;33|22;39|31|32)m/g, '');
    expect(withoutOurColours).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    /* eslint-enable no-control-regex */
    expect(withoutOurColours).toContain('Create team ops');
  });
});

describe('values in a diff', () => {
  it('reads as plain words where it can and as JSON where plain would mislead', () => {
    expect(formatValue(null)).toBe('(none)');
    expect(formatValue(undefined)).toBe('(none)');
    expect(formatValue('gpu-rack')).toBe('gpu-rack');
    expect(formatValue('')).toBe('""');
    expect(formatValue(' padded')).toBe('" padded"');
    expect(formatValue('two\nlines')).toBe('"two\\nlines"');
    expect(formatValue(50)).toBe('50');
    expect(formatValue(false)).toBe('false');
    expect(formatValue({ $secret: 'k' })).toBe('‹secret k›');
    expect(formatValue({ rpm: 50, auth: { $secret: 'tok' } })).toBe('{"rpm":50,"auth":"‹secret tok›"}');
  });

  it('printable keeps newlines and tabs and nothing else of the control range', () => {
    expect(printable('a\tb\nc\u001b[31mred\u001b[0m\u0000\u009b')).toBe('a\tb\ncred');
  });
});

describe('what applying did', () => {
  const applied: ApplyResult = {
    plan: { ...plan, status: 'applied' },
    applied: [
      { index: 1, operation: 'providers.create', ok: true },
      { index: 2, operation: 'routes.update', ok: true },
    ],
    deliveries: [
      { label: 'Engineering API key', value: 'axk_eng_0123' },
      { label: 'gpu-rack worker key', value: 'axw_gpu_4567' },
    ],
    handoff: '# Auxot is live\n\n- OpenAI SDK: base URL http://auxot/api/openai/v1\n',
  };

  it('lists the applied operations, the keys shown once, and the hand-off', () => {
    expect(renderApplyResult(applied, PLAIN_STYLE)).toBe(
      [
        '✓ 1. providers.create',
        '✓ 2. routes.update',
        'Plan plan_1 applied (2 operations).',
        '',
        'Keys made by this plan — shown once, store it now (they are not kept in the conversation):',
        '  Engineering API key:  axk_eng_0123',
        '  gpu-rack worker key:  axw_gpu_4567',
        '',
        '# Auxot is live',
        '',
        '- OpenAI SDK: base URL http://auxot/api/openai/v1',
      ].join('\n'),
    );
  });

  it('names the failed operation and what was applied before it', () => {
    const failed: ApplyResult = {
      plan: { ...plan, status: 'failed' },
      applied: [{ index: 1, operation: 'providers.create', ok: true }],
      failed: { index: 2, operation: 'routes.update', error: { type: 'invalid_request', message: 'unknown provider gpu' } },
      deliveries: [],
    };
    expect(renderApplyResult(failed, PLAIN_STYLE)).toBe(
      ['✓ 1. providers.create', '✗ 2. routes.update failed: unknown provider gpu (invalid_request)', 'Operation 1 was applied. Type /undo to take it back.'].join('\n'),
    );
    const first = renderApplyResult({ ...failed, applied: [], failed: { ...failed.failed!, index: 1 } }, PLAIN_STYLE);
    expect(first).toContain('Nothing was applied.');
  });
});

describe('status lines', () => {
  it('shows tool calls dim, a failed one in red, notices highlighted', () => {
    expect(renderToolEvent({ type: 'tool', name: 'providers.list', kind: 'read', ok: true }, PLAIN_STYLE)).toBe('· read providers.list');
    expect(renderToolEvent({ type: 'tool', name: 'providers.list', kind: 'read', ok: true }, COLOR_STYLE)).toBe('\u001b[2m· read providers.list\u001b[22m');
    expect(renderToolEvent({ type: 'tool', name: 'teams.create', kind: 'change', ok: false }, PLAIN_STYLE)).toBe('· change teams.create (failed)');
    expect(renderNotice('a secret was removed from your message', PLAIN_STYLE)).toBe('! a secret was removed from your message');
  });

  it('the banner says how to come back to the conversation', () => {
    expect(renderBanner('conv_9', undefined, PLAIN_STYLE)).toContain('auxot admin --conversation conv_9');
    expect(renderBanner('conv_9', { messages: 4 }, PLAIN_STYLE)).toContain('resumed conversation (4 messages so far)');
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(styleFor(true, {})).toBe(COLOR_STYLE);
    expect(styleFor(true, { NO_COLOR: '1' })).toBe(PLAIN_STYLE);
    expect(styleFor(false, {})).toBe(PLAIN_STYLE);
  });
});
