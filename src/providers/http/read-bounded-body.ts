import { GatewayError } from '../../canonical/gateway-error.js';

/** Reads a whole upstream body, refusing one larger than `limit` bytes (an upstream is untrusted input too). */
export async function readBoundedBody(body: AsyncIterable<Buffer> & { destroy?: () => void }, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body) {
    size += part.length;
    if (size > limit) {
      body.destroy?.();
      throw new GatewayError('upstream_error', `Upstream response larger than ${limit} bytes`);
    }
    parts.push(part);
  }
  return Buffer.concat(parts, size);
}
