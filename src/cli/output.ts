import Table from 'cli-table3';
import type { CliContext } from './cli-context.js';

export interface OutputFlags {
  json?: boolean;
  table?: boolean;
}

/** JSON for scripts (`--json`, or stdout not a terminal), a table for people (`--table`, or a terminal). */
export function wantsJson(context: CliContext, flags: OutputFlags): boolean {
  if (flags.json === true) return true;
  if (flags.table === true) return false;
  return !context.stdoutIsTerminal;
}

/** Prints `data` as JSON, or as what `render` makes of it for a person. */
export function show<T>(context: CliContext, flags: OutputFlags, data: T, render: (data: T) => string): void {
  context.print(wantsJson(context, flags) ? JSON.stringify(data, null, 2) : render(data));
}

/** Aligned columns without borders, like `kubectl get`; an empty list says so. */
export function table(head: string[], rows: Array<Array<string | number | null | undefined>>, empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const rendered = new Table({
    head,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) rendered.push(row.map((cell) => (cell === null || cell === undefined || cell === '' ? '-' : String(cell))));
  return rendered
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** `label: value` lines, labels aligned. */
export function details(entries: Array<[string, string | number | boolean | null | undefined]>): string {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value === null || value === undefined || value === '' ? '-' : String(value)}`).join('\n');
}

/** `2026-11-25 14:58:01 (3 min ago)` in the local time zone. */
export function readableTime(value: string | number | null | undefined, now: number = Date.now()): string {
  if (value === null || value === undefined) return '-';
  const time = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(time)) return String(value);
  const date = new Date(time);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${stamp} (${relative(time - now)})`;
}

function relative(deltaMs: number): string {
  const seconds = Math.round(Math.abs(deltaMs) / 1000);
  const [amount, unit] =
    seconds < 60 ? [seconds, 's'] : seconds < 3600 ? [Math.round(seconds / 60), ' min'] : seconds < 86_400 ? [Math.round(seconds / 3600), ' h'] : [Math.round(seconds / 86_400), ' d'];
  if (seconds < 1) return 'just now';
  return deltaMs <= 0 ? `${amount}${unit} ago` : `in ${amount}${unit}`;
}

/** `340 ms`, `1.2 s`, `2 min 05 s`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** The first few items of a list and how many more there are. */
export function shortList(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} +${items.length - max} more`;
}
