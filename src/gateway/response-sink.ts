/**
 * Where an answer is written. The HTTP layer implements it over a Node response; the gateway only
 * sees this, so it never touches sockets and can be driven by other transports.
 */
export interface ResponseSink {
  /** True once status and headers are out: from then on no failover is possible. */
  readonly committed: boolean;
  /** True once the caller has gone away. */
  readonly closed: boolean;
  commit(status: number, headers: Record<string, string>): void;
  /** Writes a chunk; returns a promise only when the caller is slow and the chunk had to queue. */
  write(chunk: string | Buffer): Promise<void> | undefined;
  end(chunk?: string | Buffer): void;
}
