import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError, toGatewayError } from '../../canonical/gateway-error.js';
import type { EngineJob, InferenceEngine } from '../inference-engine.js';
import { AsyncQueue } from '../../platform/async-queue.js';
import { jobSettings, type ClaudeCodeEngineOptions } from './claude-code-options.js';
import { buildPrompt, refusalFor } from './prompt-input.js';
import { runClaudeJob } from './run-claude-job.js';
import { SlotPool } from '../slot-pool.js';
import { slotWorkspaces, type SlotWorkspace } from './slot-workspace.js';

export type { ClaudeCodeEngineOptions } from './claude-code-options.js';
export type { ClaudeCodeJobReport } from './job-report.js';

/**
 * Runs chat jobs on Claude Code in headless mode (`claude -p`, stream-json in and out): one process
 * per job, at most `slots` at once, each slot with its own HOME and working directory. Claude Code
 * answers with its own agent loop and tools; the caller receives the text it writes.
 *
 * A job fails before its first event when Claude Code cannot answer (`GatewayError`), or throws
 * `EngineOverloadedError` when the account behind the worker is rate- or usage-limited, so the
 * server can requeue it elsewhere. Requests with caller-declared tools are refused up front.
 */
export function createClaudeCodeEngine(options: ClaudeCodeEngineOptions): InferenceEngine {
  const settings = jobSettings(options);
  const pool = new SlotPool<SlotWorkspace>(slotWorkspaces(options.workDir, options.slots));
  const running = new Set<Promise<void>>();
  const stops = new Set<AbortController>();
  let closed = false;

  async function* run(job: EngineJob): AsyncGenerator<ChatEvent, void, undefined> {
    const refusal = refusalFor(job.request);
    if (refusal !== undefined) throw refusal;
    const prompt = buildPrompt(job.request);
    const lease = await pool.acquire(job.signal);
    if (lease === undefined) return;
    if (closed) {
      lease.release();
      throw new GatewayError('upstream_error', 'The Claude Code engine is shut down');
    }
    // Also stops the process when the consumer leaves early (break / return) without aborting.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(job.signal.reason);
    job.signal.addEventListener('abort', onAbort, { once: true });
    if (job.signal.aborted) onAbort();
    stops.add(stop);
    const queue = new AsyncQueue<ChatEvent>();
    const done = runClaudeJob({
      job,
      workspace: lease.slot,
      prompt,
      responseId: options.newId('msg_'),
      settings,
      stop: stop.signal,
      emit: (event) => queue.push(event),
      fail: (error) => queue.fail(error),
      end: () => queue.close(),
    })
      // Only preparing the slot's directories can reject, and that comes before any event.
      .catch((error: unknown) => queue.fail(toGatewayError(error)))
      .finally(() => {
        // Released here rather than in the consumer's `finally`, so an abandoned iterator cannot leak the slot.
        job.signal.removeEventListener('abort', onAbort);
        stops.delete(stop);
        lease.release();
        queue.close();
      });
    running.add(done);
    void done.finally(() => running.delete(done));
    try {
      yield* queue;
    } finally {
      stop.abort();
    }
  }

  return {
    slots: options.slots,
    models: [...options.models],
    run,
    close: async () => {
      closed = true;
      for (const stop of stops) stop.abort();
      await Promise.allSettled([...running]);
    },
  };
}
