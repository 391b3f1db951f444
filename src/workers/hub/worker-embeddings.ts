import type { EmbeddingResult } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { EmbeddingCall } from '../../providers/provider.js';
import { EMBEDDINGS_FEATURE } from '../protocol/messages.js';
import { PendingEmbedding } from './pending-embedding.js';
import type { WorkerConnection } from './worker-connection.js';

/**
 * Runs one embed job on the worker the lease chose. The lease is held until the job settles
 * (result, failure, disconnect, timeout, or the caller leaving, which also cancels it on the worker).
 */
export async function embedOnWorker(
  call: EmbeddingCall,
  connection: WorkerConnection | undefined,
  options: { newId(prefix: string): string; timeoutMs: number; via: string },
): Promise<EmbeddingResult> {
  if (connection === undefined) {
    call.lease.release();
    throw new GatewayError('upstream_error', 'The worker chosen for these embeddings left', { retryable: true });
  }
  if (!(connection.hello.features ?? []).includes(EMBEDDINGS_FEATURE)) {
    call.lease.release();
    // Not a fault of the worker's health: another candidate may serve the request.
    throw new GatewayError('no_capacity', `Worker ${connection.name} does not run embedding jobs (upgrade it)`, { retryable: true });
  }
  const jobId = options.newId('emb_');
  const pending = new PendingEmbedding(call.request.input.length, call.model, connection.name, connection.id);
  connection.embeddings.set(jobId, { pending, lease: call.lease });
  const cancel = (error: GatewayError): void => {
    if (pending.isSettled) return;
    connection.send({ type: 'cancel', jobId });
    pending.fail(error);
  };
  const onAbort = (): void => cancel(new GatewayError('upstream_error', 'Request cancelled', { retryable: false }));
  call.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => cancel(new GatewayError('upstream_timeout', `Worker ${connection.name} did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
  connection.send({
    type: 'embed',
    jobId,
    model: call.model,
    input: call.request.input,
    via: options.via,
    ...(call.request.dimensions === undefined ? {} : { dimensions: call.request.dimensions }),
  });
  try {
    return await pending.result;
  } finally {
    clearTimeout(timer);
    call.signal.removeEventListener('abort', onAbort);
    connection.embeddings.delete(jobId);
    call.lease.release();
  }
}
