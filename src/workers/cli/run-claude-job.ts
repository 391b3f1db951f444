import { randomUUID } from 'node:crypto';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { EngineOverloadedError, type EngineJob } from '../inference-engine.js';
import { claudeArgs, claudeEnv } from './claude-command.js';
import type { ClaudeJobSettings } from './claude-code-options.js';
import { ClaudeProcess, type ProcessOutput } from './claude-process.js';
import type { ClaudePrompt } from './prompt-input.js';
import { prepareWorkspace, type SlotWorkspace } from './slot-workspace.js';
import { initialStreamJsonState, stepStreamJson, type JobEnd, type StreamJsonInput } from './stream-json-decoder.js';
import { parseCliLine } from './stream-json-line.js';

export interface ClaudeJobRun {
  job: EngineJob;
  workspace: SlotWorkspace;
  prompt: ClaudePrompt;
  responseId: string;
  settings: ClaudeJobSettings;
  /** Aborted when the job is cancelled or its consumer went away. */
  stop: AbortSignal;
  emit(event: ChatEvent): void;
  /** Ends the caller's iterable with an error, before any event. */
  fail(error: Error): void;
  /** Ends the caller's iterable; the process may still be winding down. */
  end(): void;
}

/** After the result line, the time Claude Code gets to exit on its own before it is terminated. */
const SETTLE_MS = 5000;

/**
 * Runs one job in one slot: a fresh process fed one stdin message, its stdout stepped through the
 * stream-json decoder. The caller's stream ends as soon as the outcome is known; the returned
 * promise resolves only once the process and everything it started are gone (slot reusable).
 */
export async function runClaudeJob(run: ClaudeJobRun): Promise<void> {
  const { job, settings } = run;
  const systemPromptFile = await prepareWorkspace(run.workspace, run.prompt.systemText);
  if (run.stop.aborted) return;
  const jobTag = randomUUID();
  const claude = new ClaudeProcess({
    bin: settings.claudeBin,
    args: claudeArgs({ model: job.model, request: job.request, systemPromptFile, ...settings }),
    env: claudeEnv({
      operatorEnv: settings.env,
      home: run.workspace.home,
      tmpDir: run.workspace.tmpDir,
      jobTag,
      request: job.request,
      ...(job.via === undefined ? {} : { via: job.via }),
    }),
    cwd: run.workspace.cwd,
    jobTag,
    killGraceMs: settings.killGraceMs,
  });
  settings.onProcess?.(job.jobId, { pid: claude.pid, exited: claude.exited });
  let ended = false;
  const onStop = (): void => {
    if (ended) return;
    ended = true;
    claude.terminate();
    run.end();
  };
  run.stop.addEventListener('abort', onStop, { once: true });
  // Stopped before the listener was attached.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (run.stop.aborted) onStop();
  // stdin stays open until the result line: Claude Code reads user messages until EOF, and an early
  // EOF has made 2.1.197 exit with no output (docs/wire-formats.md §4.3). Closing it after the result ends the session.
  claude.write(run.prompt.stdinLine);
  let state = initialStreamJsonState({
    responseId: run.responseId,
    model: job.model,
    defaultRetryAfterMs: settings.overloadRetryAfterMs,
  });
  for await (const output of claude.output()) {
    if (ended) continue;
    const step = stepStreamJson(state, decoderInput(output, settings.nowMs()));
    state = step.state;
    if (step.report !== undefined) {
      settings.onJobReport?.(job.jobId, step.report);
      if (step.report.costUsd !== undefined) job.reportCost?.(step.report.costUsd);
    }
    for (const event of step.events) run.emit(event);
    if (step.end === undefined) continue;
    ended = true;
    settle(step.end, claude, run);
  }
  run.stop.removeEventListener('abort', onStop);
  await claude.exited;
}

function settle(end: JobEnd, claude: ClaudeProcess, run: ClaudeJobRun): void {
  switch (end.type) {
    case 'complete':
      claude.closeStdin();
      claude.terminateAfter(SETTLE_MS);
      break;
    case 'failed':
      run.fail(end.error);
      claude.closeStdin();
      claude.terminateAfter(SETTLE_MS);
      break;
    case 'overloaded':
      run.fail(new EngineOverloadedError(end.message, end.retryAfterMs));
      // Claude Code would go on retrying against a limit that lasts for hours.
      claude.terminate();
      break;
  }
  run.end();
}

function decoderInput(output: ProcessOutput, nowMs: number): StreamJsonInput {
  switch (output.kind) {
    case 'line':
      return { kind: 'line', line: parseCliLine(output.text), nowMs };
    case 'exit':
      return output;
  }
}
