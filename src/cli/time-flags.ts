import { InvalidArgumentError } from '@commander-js/extra-typings';

/**
 * Parsers for flags that take a time: a duration (`30d`), an ISO 8601 time, or a UTC day. Each
 * refuses what it does not take exactly (exit 2), naming the forms it does.
 */
const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30d`, `12h`, `90m`, `45s` → milliseconds. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (match === null || Number(match[1]) <= 0) throw new InvalidArgumentError('expected a duration such as 45s, 90m, 12h or 30d.');
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}

export function parseIsoTime(value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(time)) throw new InvalidArgumentError('expected an ISO 8601 time such as 2027-01-31T00:00:00Z.');
  return new Date(time).toISOString();
}

/** A moment in the future: `30d` from now, or an ISO 8601 date or time (`2027-01-31`). */
export function parseFutureTime(value: string): string {
  let iso: string;
  if (/^\d+\s*[smhd]$/.test(value.trim())) {
    iso = new Date(Date.now() + parseDurationMs(value)).toISOString();
  } else {
    try {
      iso = parseIsoTime(value);
    } catch {
      throw new InvalidArgumentError('expected a duration from now (30d, 12h) or an ISO 8601 date or time (2027-01-31, 2027-01-31T18:00:00Z).');
    }
  }
  if (Date.parse(iso) <= Date.now()) throw new InvalidArgumentError('that time has passed; give a time in the future.');
  return iso;
}

/** A moment in the past for filters, in epoch ms: `15m`, `2h`, `7d` ago, or an ISO 8601 time. */
export function parsePastTime(value: string): number {
  if (/^\d+\s*[smhd]$/.test(value.trim())) return Date.now() - parseDurationMs(value);
  try {
    return Date.parse(parseIsoTime(value));
  } catch {
    throw new InvalidArgumentError('expected an ISO 8601 time or a duration such as 15m, 2h, 1d.');
  }
}

/** A UTC day `YYYY-MM-DD`: given as such, as `today`, or as `7d` (that many days ago). */
export function parseUtcDay(value: string): string {
  const trimmed = value.trim();
  if (trimmed === 'today') return new Date().toISOString().slice(0, 10);
  const ago = /^(\d+)d$/.exec(trimmed);
  if (ago !== null) return new Date(Date.now() - Number(ago[1]) * UNITS.d).toISOString().slice(0, 10);
  if (/^\d{4}-\d\d-\d\d$/.test(trimmed) && !Number.isNaN(Date.parse(`${trimmed}T00:00:00Z`)) && new Date(`${trimmed}T00:00:00Z`).toISOString().startsWith(trimmed)) return trimmed;
  throw new InvalidArgumentError('expected a UTC day such as 2026-11-01, today, or 7d (seven days ago).');
}
