import { table } from '../output.js';
import type { AgentEvent, ApplyResult, Plan, PlanOperation } from './agent-types.js';

/**
 * How `auxot admin` shows the Admin Agent's work: plans as a table with a diff under each
 * operation, tool calls as dim status lines, notices and risks highlighted, delivered keys
 * boxed off. Pure functions of their input, so what the person is asked to confirm is tested
 * exactly as it is printed.
 *
 * Everything here comes from the server and, through it, from a model, tool results and
 * upstream error messages: `printable` strips terminal control sequences from it, so no text in
 * a plan can move the cursor, recolour or hide the lines the person confirms.
 */

export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  /** Risk banners and notices: what the person must not miss. */
  warn(text: string): string;
  error(text: string): string;
  ok(text: string): string;
}

const paint =
  (open: string, close: string) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

export const PLAIN_STYLE: Style = { dim: (t) => t, bold: (t) => t, warn: (t) => t, error: (t) => t, ok: (t) => t };
export const COLOR_STYLE: Style = { dim: paint('2', '22'), bold: paint('1', '22'), warn: paint('1;33', '22;39'), error: paint('31', '39'), ok: paint('32', '39') };

/** Colours on a terminal unless NO_COLOR (https://no-color.org) is set. */
export function styleFor(isTerminal: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  return isTerminal && (env.NO_COLOR === undefined || env.NO_COLOR === '') ? COLOR_STYLE : PLAIN_STYLE;
}

/** Text without C0/C1 control characters (escape sequences included); newlines and tabs stay. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** A value in a diff: plain text for strings, `(none)` for nothing, a secret slot by name, JSON otherwise. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' || /[\n\r\t]/.test(value) || value.trim() !== value ? JSON.stringify(value) : printable(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isSecretRef(value)) return `‹secret ${printable(value.$secret)}›`;
  return printable(JSON.stringify(value, (_key, inner: unknown) => (isSecretRef(inner) ? `‹secret ${inner.$secret}›` : inner)));
}

function isSecretRef(value: unknown): value is { $secret: string } {
  return typeof value === 'object' && value !== null && typeof (value as { $secret?: unknown }).$secret === 'string' && Object.keys(value).length === 1;
}

/** The whole plan: its operations as a table, then each operation's changes and risk. */
export function renderPlan(plan: Plan, style: Style): string {
  const count = plan.operations.length;
  const title = plan.undoOf !== undefined ? `Proposed undo of plan ${printable(plan.undoOf)}` : plan.purpose === 'go-live' ? 'Proposed go-live plan' : 'Proposed plan';
  const status = plan.status === 'proposed' ? 'nothing changes until you confirm' : `status: ${plan.status}`;
  const lines = [style.bold(`${title} ${printable(plan.id)} (${count} operation${count === 1 ? '' : 's'}) — ${status}`)];
  lines.push(indent(table(['#', 'OPERATION', 'SUMMARY'], plan.operations.map((op) => [op.index, printable(op.operation), printable(op.summary)]), '(no operations)')));
  for (const note of plan.notes ?? []) lines.push(style.warn(`  note: ${printable(note)}`));
  for (const operation of plan.operations) lines.push('', ...renderOperation(operation, style));
  const risks = plan.operations.filter((op) => op.risk !== undefined && op.risk !== '').length;
  if (risks > 0) lines.push('', style.warn(`⚠ ${risks} operation${risks === 1 ? ' is' : 's are'} marked high risk: read ${risks === 1 ? 'it' : 'them'} before you confirm.`));
  if (plan.secretSlots.length > 0) {
    lines.push('', 'Secrets (typed at a hidden prompt, sent straight to the server, never to the agent):');
    for (const slot of plan.secretSlots) {
      lines.push(`  ${printable(slot.name)}  ${printable(slot.label)}  ${slot.filled ? style.ok('entered') : style.warn('needs a value')}`);
    }
  }
  return lines.join('\n');
}

function renderOperation(operation: PlanOperation, style: Style): string[] {
  const lines = [`${style.bold(`${operation.index}. ${printable(operation.operation)}`)}  ${printable(operation.summary)}`];
  if (operation.risk !== undefined && operation.risk !== '') lines.push(`   ${style.warn(`⚠ HIGH RISK: ${printable(operation.risk)}`)}`);
  if (operation.changes.length === 0) lines.push(style.dim('   (no fields beyond the summary)'));
  const width = Math.max(0, ...operation.changes.map((change) => printable(change.field).length));
  for (const change of operation.changes) {
    const field = `${printable(change.field)}:`.padEnd(width + 1);
    lines.push(`   ${field} ${style.dim(formatValue(change.before))} → ${formatValue(change.after)}`);
  }
  return lines;
}

/** What the plan's confirmation did: operations applied, the one that failed, keys shown once, the hand-off. */
export function renderApplyResult(result: ApplyResult, style: Style): string {
  const lines: string[] = [];
  for (const applied of result.applied) lines.push(style.ok(`✓ ${applied.index}. ${printable(applied.operation)}`));
  if (result.failed !== undefined) {
    const { index, operation, error } = result.failed;
    lines.push(style.error(`✗ ${index}. ${printable(operation)} failed: ${printable(error.message)} (${printable(error.type)})`));
    const rest = result.plan.operations.filter((op) => op.index > index).length;
    lines.push(
      result.applied.length === 0
        ? 'Nothing was applied.'
        : `${result.applied.length === 1 ? 'Operation' : 'Operations'} ${result.applied.map((op) => op.index).join(', ')} ${result.applied.length === 1 ? 'was' : 'were'} applied${rest > 0 ? `; ${rest} after the failure ${rest === 1 ? 'was' : 'were'} not` : ''}. Type /undo to take ${result.applied.length === 1 ? 'it' : 'them'} back.`,
    );
  } else {
    lines.push(style.ok(`Plan ${printable(result.plan.id)} applied (${result.applied.length} operation${result.applied.length === 1 ? '' : 's'}).`));
  }
  if (result.deliveries.length > 0) {
    const width = Math.max(...result.deliveries.map((delivery) => printable(delivery.label).length));
    lines.push('', style.warn('Keys made by this plan — shown once, store it now (they are not kept in the conversation):'));
    for (const delivery of result.deliveries) lines.push(`  ${`${printable(delivery.label)}:`.padEnd(width + 1)}  ${printable(delivery.value)}`);
  }
  if (result.handoff !== undefined && result.handoff !== '') lines.push('', printable(result.handoff).trimEnd());
  return lines.join('\n');
}

/** A finished tool call, one dim line: `· read providers.list`. */
export function renderToolEvent(event: Extract<AgentEvent, { type: 'tool' }>, style: Style): string {
  const line = `· ${event.kind} ${printable(event.name)}${event.ok ? '' : ' (failed)'}`;
  return event.ok ? style.dim(line) : style.error(line);
}

export function renderNotice(text: string, style: Style): string {
  return style.warn(`! ${printable(text)}`);
}

export function renderBanner(conversationId: string, resumed: { messages: number } | undefined, style: Style): string {
  const head = resumed === undefined ? 'Auxot Admin Agent — new conversation' : `Auxot Admin Agent — resumed conversation (${resumed.messages} messages so far)`;
  return [
    style.bold(head),
    style.dim(`Conversation ${printable(conversationId)}; come back to it with: auxot admin --conversation ${printable(conversationId)}`),
    style.dim('Ask in plain words. Changes come as a plan you confirm. /undo takes back the last applied plan, /quit (or Ctrl-D) leaves, Ctrl-C stops an answer.'),
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
