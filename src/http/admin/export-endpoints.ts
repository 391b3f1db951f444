import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Authenticator } from '../../governance/authenticator.js';
import type { Principal } from '../../governance/principal.js';
import { parseInput } from '../../management/validation.js';
import { callerKey } from '../caller-key.js';
import type { RouteHandler } from '../router.js';
import { sendAdminError } from '../send.js';

const format = z.enum(['csv', 'jsonl']).default('jsonl').describe('jsonl: one JSON object per line; csv: one row per record with a header line');

/**
 * A streamed export: records come from an async iterator page by page and are written as they come,
 * waiting for the socket to drain, so an export of millions never sits in memory.
 */
export function exportEndpoint<Input extends z.ZodObject>(
  authenticator: Authenticator,
  filters: Input,
  name: string,
  records: (actor: Principal, input: z.output<Input>) => AsyncIterable<object>,
): RouteHandler {
  const schema = filters.extend({ format });
  return async (request: IncomingMessage, response: ServerResponse) => {
    let started = false;
    try {
      const principal = await authenticator.authenticate(callerKey(request.headers));
      const query = Object.fromEntries(new URL(request.url ?? '/', 'http://localhost').searchParams);
      const parsed: Record<string, unknown> = parseInput(schema, query);
      const kind = parsed.format === 'csv' ? 'csv' : 'jsonl';
      delete parsed.format;
      const iterator = records(principal, parsed as z.output<Input>)[Symbol.asyncIterator]();
      // The first page is read before the status goes out, so a refusal is still a proper error.
      let next = await iterator.next();
      response.writeHead(200, {
        'content-type': kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        'content-disposition': `attachment; filename="${name}.${kind}"`,
      });
      started = true;
      let columns: string[] | undefined;
      while (next.done !== true && !response.destroyed) {
        const record = next.value as Record<string, unknown>;
        let line: string;
        if (kind === 'jsonl') {
          line = `${JSON.stringify(record)}\n`;
        } else {
          if (columns === undefined) {
            columns = Object.keys(record);
            line = `${columns.join(',')}\n${csvRow(columns, record)}`;
          } else {
            line = csvRow(columns, record);
          }
        }
        if (!response.write(line)) await new Promise<void>((resolve) => response.once('drain', resolve).once('close', resolve));
        next = await iterator.next();
      }
      response.end();
    } catch (thrown) {
      if (started) {
        response.destroy();
        return;
      }
      if (!(thrown instanceof GatewayError)) throw thrown;
      sendAdminError(response, thrown);
    }
  };
}

export function exportQuery(filters: z.ZodObject): z.ZodObject {
  return filters.extend({ format });
}

function csvRow(columns: readonly string[], record: Record<string, unknown>): string {
  return `${columns.map((column) => csvCell(record[column])).join(',')}\n`;
}

/** RFC 4180: quote cells holding a comma, quote or line break; objects as JSON. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
