import type { ChatEvent } from '../../canonical/chat-event.js';
import type { EngineJob, InferenceEngine } from '../inference-engine.js';
import { jobSettings, type ClaudeCodeEngineOptions } from './claude-code-options.js';
import { buildPrompt, refusalFor } from './prompt-input.js';
import { runClaudeJob } from './run-claude-job.js';
import { SlotRunner } from '../slot-runner.js';
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
  const runner = new SlotRunner<SlotWorkspace>(slotWorkspaces(options.workDir, options.slots), 'Claude Code');

  async function* run(job: EngineJob): AsyncGenerator<ChatEvent, void, undefined> {
    const refusal = refusalFor(job.request);
    if (refusal !== undefined) throw refusal;
    const prompt = buildPrompt(job.request);
    yield* runner.run(job.signal, ({ slot, stop, events }) =>
      runClaudeJob({
        job,
        workspace: slot,
        prompt,
        responseId: options.newId('msg_'),
        settings,
        stop,
        emit: (event) => events.push(event),
        fail: (error) => events.fail(error),
        end: () => events.close(),
      }),
    );
  }

  return {
    slots: options.slots,
    models: [...options.models],
    run,
    close: () => runner.close(),
  };
}
