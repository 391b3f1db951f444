import { Agent, request } from 'undici';
import { checkOutboundUrl, OutboundAddressError, pinnedLookup, type OutboundAllowList } from '../platform/outbound-address.js';

const CALLBACK_TIMEOUT_MS = 10_000;

/**
 * POSTs a finished run to its callback URL. The URL is checked again at delivery (its name may
 * resolve elsewhere by now) and the connection is pinned to the checked address, so a DNS answer
 * that changes between the check and the connect cannot reach an internal address.
 * Resolves with why it was not delivered, or undefined when the receiver answered 2xx.
 */
export async function deliverCallback(url: string, body: unknown, allow: OutboundAllowList): Promise<string | undefined> {
  let dispatcher: Agent | undefined;
  try {
    const target = await checkOutboundUrl(url, allow);
    dispatcher = new Agent({ connect: { lookup: pinnedLookup(target) } });
    const answer = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'auxot-agent-runs' },
      body: JSON.stringify(body),
      dispatcher,
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
    });
    await answer.body.dump();
    return answer.statusCode >= 200 && answer.statusCode < 300 ? undefined : `the receiver answered ${answer.statusCode}`;
  } catch (error) {
    if (error instanceof OutboundAddressError) return error.message;
    return error instanceof Error ? error.message : String(error);
  } finally {
    await dispatcher?.close();
  }
}
