import type { Duplex } from 'node:stream';

/** How long a peer gets to finish its side after Auxot's close frame, before the socket is destroyed. */
export const CLOSE_GRACE_MS = 5_000;

/**
 * Ends the TCP connection under a WebSocket once Auxot's close frame has been written: a FIN after
 * the frame, never a reset. Destroying the socket while the peer is still sending (an oversized
 * frame arriving, say) makes the kernel answer with RST, and the peer may then lose the close frame
 * and never learn why it was dropped (RFC 6455 §7.1.7 asks for a clean close). The socket keeps
 * reading until the peer closes its side too, or the grace period ends.
 */
export function endAfterCloseFrame(raw: Duplex, graceMs = CLOSE_GRACE_MS): void {
  // `ws` queues its close frame on the socket first; end() then flushes it before the FIN.
  setImmediate(() => {
    if (!raw.destroyed && !raw.writableEnded) raw.end();
  });
  const timer = setTimeout(() => raw.destroy(), graceMs);
  timer.unref();
  raw.once('close', () => clearTimeout(timer));
}
