import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where the server may send requests a user configured (Streamable HTTP MCP servers, agent-run
 * callbacks). A name is resolved once and every address it resolves to is checked; the caller then
 * connects to the returned address (`pinnedLookup`), so a second, different DNS answer cannot
 * redirect the connection (DNS rebinding). Internal targets pass only when an admin allow-listed
 * them, by host name or by CIDR range.
 */
export interface OutboundTarget {
  url: URL;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
}

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 maps to IPv4 behind it
  ['fc00::', 7], // unique-local, including AWS metadata fd00:ec2::254
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** A refused or unusable target; callers answer it as a bad request in their own format. */
export class OutboundAddressError extends Error {
  override readonly name = 'OutboundAddressError';
}

/** Why an address is internal, or undefined when it is a public one. */
export function internalAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const mapped = family === 6 ? ipv4Mapped(address) : undefined;
  if (mapped !== undefined) return internalAddressReason(mapped);
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6') ? 'a loopback, private, link-local, shared or metadata address' : undefined;
}

/** An allow list entry: a host name (`mcp.internal`), an address, or a CIDR range (`10.1.0.0/16`). */
export type OutboundAllowList = readonly string[];

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Checks `rawUrl` and resolves it once. Throws `OutboundAddressError` naming the URL, the address and
 * the way out (the allow list) when the target is internal and not allow-listed.
 */
export async function checkOutboundUrl(rawUrl: string, allow: OutboundAllowList, resolve: Resolver = systemResolver): Promise<OutboundTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundAddressError(`'${rawUrl}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundAddressError(`${url.protocol} URLs are not allowed; use http or https`);
  // WHATWG URL parsing already turns odd IPv4 spellings (127.1, 2130706433, 0x7f000001) into dotted form.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = isIP(host) === 0 ? await resolve(host) : [{ address: host, family: isIP(host) }];
  } catch (error) {
    throw new OutboundAddressError(`Cannot resolve '${host}' (${error instanceof Error ? error.message : String(error)})`);
  }
  if (addresses.length === 0) throw new OutboundAddressError(`'${host}' resolves to no address`);
  const hostAllowed = allow.some((entry) => entry.toLowerCase() === host.toLowerCase());
  for (const { address } of addresses) {
    const reason = internalAddressReason(address);
    if (reason !== undefined && !hostAllowed && !allow.some((entry) => inRange(address, entry))) {
      throw new OutboundAddressError(
        `Refused ${url.origin}: '${host}' resolves to ${address}, ${reason}. An owner or admin can allow it by adding the host or a range to the organization's outbound allow list.`,
      );
    }
  }
  const first = addresses[0] as { address: string; family: number };
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` for sockets and undici's `connect` that always answers the checked address. */
export function pinnedLookup(target: OutboundTarget) {
  return (_host: string, options: { all?: boolean } | undefined, callback: (error: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void): void => {
    if (options?.all === true) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

function inRange(address: string, entry: string): boolean {
  const [network, prefixText] = entry.split('/');
  if (network === undefined || isIP(network) === 0) return false;
  const family = isIP(network) === 4 ? 'ipv4' : 'ipv6';
  const checked = isIP(address) === 6 ? (ipv4Mapped(address) ?? address) : address;
  if ((isIP(checked) === 4 ? 'ipv4' : 'ipv6') !== family) return false;
  const list = new BlockList();
  if (prefixText === undefined) list.addAddress(network, family);
  else list.addSubnet(network, Number(prefixText), family);
  return list.check(checked, family);
}

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` → `127.0.0.1`. */
function ipv4Mapped(address: string): string | undefined {
  const match = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(address) ?? /^::ffff:(.+)$/i.exec(address);
  if (match === null) return undefined;
  const tail = match[1] as string;
  if (isIP(tail) === 4) return tail;
  const words = tail.split(':');
  if (words.length !== 2) return undefined;
  const [high, low] = words.map((word) => Number.parseInt(word, 16)) as [number, number];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
