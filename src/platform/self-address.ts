import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

const LOOKUP_TIMEOUT_MS = 1_000;

/**
 * Knows where this server listens, to refuse a provider whose base URL is this server itself
 * (requests to it would come straight back). What it cannot see — a reverse proxy on another port,
 * a load balancer's name — the hop marker catches at the second hop.
 */
export class SelfAddress {
  private readonly localAddresses: Set<string>;
  private readonly localNames: Set<string>;

  constructor(
    private readonly port: number,
    listenHost: string,
  ) {
    this.localAddresses = new Set(['0.0.0.0', '::', listenHost]);
    for (const entries of Object.values(networkInterfaces())) {
      for (const entry of entries ?? []) this.localAddresses.add(entry.address);
    }
    this.localNames = new Set(['localhost', hostname().toLowerCase()]);
  }

  /** True when requests to `url` would reach this server. */
  async pointsHere(url: string): Promise<boolean> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    if (port !== this.port) return false;
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (this.localNames.has(host) || host.endsWith('.localhost')) return true;
    const addresses = isIP(host) !== 0 ? [host] : await resolve(host);
    return addresses.some((address) => this.isLocal(address));
  }

  private isLocal(address: string): boolean {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    return this.localAddresses.has(plain) || plain.startsWith('127.') || plain === '::1';
  }
}

/** Names that do not resolve quickly are not this server as far as this check can tell. */
async function resolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((done) => {
    timer = setTimeout(() => done([]), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(host, { all: true }).then((found) => found.map((entry) => entry.address)), timeout]);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}
