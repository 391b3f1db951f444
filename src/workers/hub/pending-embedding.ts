import type { EmbeddingResult } from '../../canonical/embeddings.js';
import { vectorFromBase64 } from '../../canonical/embeddings.js';
import { GatewayError } from '../../canonical/gateway-error.js';

type EmbedResult = { start: number; vectors: string[]; done: boolean; inputTokens?: number | undefined };

/**
 * One embed job on one worker, seen from the server: the vectors arriving in order (several
 * frames for large batches, since frames are size-limited), settled once by the last frame, a
 * failure, a disconnect, a timeout or the caller leaving.
 */
export class PendingEmbedding {
  readonly result: Promise<EmbeddingResult>;
  private readonly vectors: Float32Array[] = [];
  private settled = false;
  private resolve!: (result: EmbeddingResult) => void;
  private reject!: (error: GatewayError) => void;

  constructor(
    private readonly expected: number,
    private readonly model: string,
    private readonly workerName: string,
    /** The worker's id in request records (its key's id). */
    private readonly workerId: string = workerName,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.result.catch(() => undefined);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  receive(message: EmbedResult): void {
    if (this.settled) return;
    if (message.start !== this.vectors.length) return this.fail(new GatewayError('upstream_error', `Worker ${this.workerName} sent embeddings out of order`));
    for (const vector of message.vectors) this.vectors.push(vectorFromBase64(vector));
    if (this.vectors.length > this.expected) return this.fail(new GatewayError('upstream_error', `Worker ${this.workerName} sent more embeddings than asked for`));
    if (!message.done) return;
    if (this.vectors.length !== this.expected) {
      return this.fail(new GatewayError('upstream_error', `Worker ${this.workerName} returned ${this.vectors.length} embeddings for ${this.expected} inputs`));
    }
    this.settled = true;
    this.resolve({ vectors: this.vectors, inputTokens: message.inputTokens ?? 0, model: this.model, workerId: this.workerId });
  }

  fail(error: GatewayError): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}
