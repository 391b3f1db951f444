import { vectorToBase64 } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { InferenceEngine } from '../inference-engine.js';
import type { ServerToWorker, WorkerToServer } from '../protocol/messages.js';

/** Stays well under the server's 1 MiB frame limit, whatever the vector size. */
const MAX_FRAME_VECTOR_BYTES = 512 * 1024;

/**
 * Runs one embed job on the engine and sends the vectors back as base64 float32, split over as
 * many `embed-result` frames as the frame limit needs, or one `job-failed`.
 */
export async function sendEmbeddings(
  engine: InferenceEngine,
  job: Extract<ServerToWorker, { type: 'embed' }>,
  signal: AbortSignal,
  send: (message: WorkerToServer) => void,
): Promise<void> {
  try {
    if (engine.embed === undefined) throw new GatewayError('invalid_request', 'This worker does not run embedding models');
    const output = await engine.embed({
      jobId: job.jobId,
      model: job.model,
      input: job.input,
      signal,
      ...(job.dimensions === undefined ? {} : { dimensions: job.dimensions }),
      ...(job.via === undefined ? {} : { via: job.via }),
    });
    if (signal.aborted) return;
    const encoded = output.vectors.map(vectorToBase64);
    let start = 0;
    while (start < encoded.length || start === 0) {
      let end = start;
      let bytes = 0;
      while (end < encoded.length && (end === start || bytes + (encoded[end]?.length ?? 0) <= MAX_FRAME_VECTOR_BYTES)) bytes += encoded[end++]?.length ?? 0;
      const done = end >= encoded.length;
      send({ type: 'embed-result', jobId: job.jobId, start, vectors: encoded.slice(start, end), done, ...(done ? { inputTokens: output.inputTokens } : {}) });
      if (done) return;
      start = end;
    }
  } catch (error) {
    if (signal.aborted) return;
    const failure = error instanceof GatewayError ? error : new GatewayError('upstream_error', error instanceof Error ? error.message : String(error));
    send({ type: 'job-failed', jobId: job.jobId, error: { code: failure.code, message: failure.message.slice(0, 4000), retryable: failure.retryable } });
  }
}
