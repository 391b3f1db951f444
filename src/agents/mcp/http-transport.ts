import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { checkOutboundUrl, pinnedLookup, type OutboundAllowList, type Resolver } from '../../platform/outbound-address.js';

/**
 * A Streamable HTTP transport whose every request goes to the address that was checked: the URL is
 * resolved once against the outbound rules (internal addresses only when allow-listed) and the
 * connection pool's lookup always answers that address, so a second DNS answer cannot redirect
 * it. Redirects stay within the origin (the SDK's default), hence on the same checked address.
 */
export async function pinnedHttpTransport(
  url: string,
  headers: Record<string, string>,
  allow: OutboundAllowList,
  resolve?: Resolver,
): Promise<{ transport: StreamableHTTPClientTransport; dispose(): Promise<void> }> {
  const target = await checkOutboundUrl(url, allow, resolve);
  const agent = new Agent({ connect: { lookup: pinnedLookup(target) } });
  const pinnedFetch = ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as FetchLike;
  const transport = new StreamableHTTPClientTransport(target.url, { requestInit: { headers }, fetch: pinnedFetch });
  return { transport, dispose: () => agent.close() };
}
