import { createHash } from 'node:crypto';

/** More Auxot hops than this in one request's path is a loop through other gateways, or a misconfiguration. */
export const MAX_AUXOT_HOPS = 8;

/**
 * This deployment's mark on every request it sends upstream, in the standard `Via` header
 * (RFC 9110 §7.6.3), which proxies append to rather than drop. A request that arrives carrying
 * the mark has already passed through this deployment: a provider's base URL, a worker's upstream
 * or a Claude Code worker's ANTHROPIC_BASE_URL points back at Auxot, and the loop is cut at its
 * second hop. Replicas of one deployment share the mark (it derives from the organization), so a
 * loop across replicas is cut too.
 */
export class HopMarker {
  /** The `Via` entry's received-by part, e.g. `auxot-3f9a1c0b7d2e`. */
  readonly token: string;

  constructor(deploymentId: string) {
    this.token = `auxot-${createHash('sha256').update(deploymentId).digest('hex').slice(0, 12)}`;
  }

  /** The `Via` value to send upstream: what came in, plus this hop. */
  viaFor(inbound: string | undefined): string {
    const entry = `1.1 ${this.token}`;
    return inbound === undefined || inbound.trim() === '' ? entry : `${inbound}, ${entry}`;
  }

  /** Why a request must be refused: it has been here before, or has crossed too many Auxot hops. */
  loopIn(via: string | undefined): string | undefined {
    if (via === undefined) return undefined;
    const received = via.split(',').map((entry) => entry.trim().split(/\s+/)[1] ?? '');
    if (received.includes(this.token)) return `it already passed through this Auxot deployment (Via: ${via.slice(0, 300)})`;
    const hops = received.filter((by) => by.startsWith('auxot-')).length;
    if (hops >= MAX_AUXOT_HOPS) return `it already crossed ${hops} Auxot gateways`;
    return undefined;
  }
}
