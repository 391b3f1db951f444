import type { Readable } from 'node:stream';
import { GatewayError } from '../../canonical/gateway-error.js';

/**
 * Reads a whole upstream body, refusing one larger than `limit` bytes (an upstream is untrusted
 * input too). Events rather than `for await`: whole answers are read on every non-streaming call.
 */
export function readBoundedBody(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    body.on('data', (part: Buffer) => {
      size += part.length;
      if (size > limit) {
        body.destroy();
        reject(new GatewayError('upstream_error', `Upstream response larger than ${limit} bytes`));
        return;
      }
      parts.push(part);
    });
    body.once('end', () => {
      const [only] = parts;
      resolve(parts.length === 1 && only !== undefined ? only : Buffer.concat(parts, size));
    });
    body.once('error', reject);
  });
}
