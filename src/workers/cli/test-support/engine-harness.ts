import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ChatEvent } from '../../../canonical/chat-event.js';
import type { ModelRequest } from '../../../canonical/chat-request.js';
import { startMockUpstream, type MockUpstream } from '../../../../test/support/mock-upstreams/index.js';
import type { InferenceEngine } from '../../inference-engine.js';
import { createClaudeCodeEngine, type ClaudeCodeEngineOptions, type ClaudeCodeJobReport } from '../claude-code-engine.js';
import type { ProcessExit } from '../claude-process.js';

/** The Claude Code binary the project installs (2.1.197). */
export const CLAUDE_BIN = fileURLToPath(new URL('../../../../node_modules/.bin/claude', import.meta.url));
export const MOCK_KEY = 'sk-mock-provider';

export function chatRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'claude-mock',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
    tools: [],
    stopSequences: [],
    stream: true,
    includeUsage: true,
    ...overrides,
  };
}

export interface TrackedProcess {
  pid: number | undefined;
  startedAtMs: number;
  exited: Promise<ProcessExit>;
}

/** A real Claude Code engine whose model calls go to a scripted local Anthropic server. */
export interface EngineHarness {
  mock: MockUpstream;
  engine: InferenceEngine;
  workDir: string;
  reports: Map<string, ClaudeCodeJobReport>;
  processes: Map<string, TrackedProcess>;
  close(): Promise<void>;
}

export type HarnessOptions = Partial<Omit<ClaudeCodeEngineOptions, 'env'>> & {
  env?: Record<string, string>;
  /** `oauth` authenticates the way a subscription does (CLAUDE_CODE_OAUTH_TOKEN, sent as Bearer). */
  auth?: 'api-key' | 'oauth';
};

export async function startHarness(options: HarnessOptions = {}): Promise<EngineHarness> {
  const mock = await startMockUpstream({ dialect: 'anthropic', requireApiKey: MOCK_KEY });
  const workDir = mkdtempSync(join(tmpdir(), 'auxot-cli-engine-'));
  const reports = new Map<string, ClaudeCodeJobReport>();
  const processes = new Map<string, TrackedProcess>();
  let counter = 0;
  const { auth = 'api-key', env, ...engineOptions } = options;
  const engine = createClaudeCodeEngine({
    claudeBin: CLAUDE_BIN,
    slots: 1,
    workDir,
    models: ['claude-mock'],
    newId: (prefix) => `${prefix}test${++counter}`,
    onJobReport: (jobId, report) => reports.set(jobId, report),
    onProcess: (jobId, process) => processes.set(jobId, { ...process, startedAtMs: performance.now() }),
    ...engineOptions,
    env: {
      PATH: process.env['PATH'] ?? '',
      ANTHROPIC_BASE_URL: mock.baseUrl,
      ...(auth === 'api-key' ? { ANTHROPIC_API_KEY: MOCK_KEY } : { CLAUDE_CODE_OAUTH_TOKEN: MOCK_KEY }),
      // Fail on the first error instead of retrying with backoff.
      CLAUDE_CODE_MAX_RETRIES: '0',
      ...env,
    },
  });
  return {
    mock,
    engine,
    workDir,
    reports,
    processes,
    close: async () => {
      await engine.close();
      await mock.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export interface TimedEvent {
  event: ChatEvent;
  /** ms since `runJob` was called. */
  atMs: number;
}

export interface JobOutcome {
  events: TimedEvent[];
  error: unknown;
  /** ms since `runJob` was called, when the iterable ended or threw. */
  endedAtMs: number;
}

let jobCounter = 0;

/** Runs one job to its end; never throws (the error is in the outcome). */
export async function runJob(
  engine: InferenceEngine,
  request: ModelRequest,
  options: { signal?: AbortSignal; jobId?: string; onEvent?: (event: ChatEvent) => void } = {},
): Promise<JobOutcome & { jobId: string }> {
  const jobId = options.jobId ?? `job-${++jobCounter}`;
  const started = performance.now();
  const events: TimedEvent[] = [];
  let error: unknown;
  try {
    const job = { jobId, request, model: request.model, signal: options.signal ?? new AbortController().signal };
    for await (const event of engine.run(job)) {
      events.push({ event, atMs: performance.now() - started });
      options.onEvent?.(event);
    }
  } catch (caught) {
    error = caught;
  }
  return { jobId, events, error, endedAtMs: performance.now() - started };
}

export function eventTypes(events: readonly TimedEvent[]): string {
  return events.map(({ event }) => event.type).join(' ');
}

export function textOf(events: readonly TimedEvent[]): string {
  return events.map(({ event }) => (event.type === 'text-delta' ? event.text : '')).join('');
}

export function findEvent<T extends ChatEvent['type']>(
  events: readonly TimedEvent[],
  type: T,
): Extract<ChatEvent, { type: T }> | undefined {
  return events.find(({ event }) => event.type === type)?.event as Extract<ChatEvent, { type: T }> | undefined;
}

/** The text of all system blocks of an Anthropic request body. */
export function systemTextOf(body: unknown): string {
  const system = (body as { system?: unknown }).system;
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system.map((block: { text?: unknown }) => (typeof block.text === 'string' ? block.text : '')).join('\n');
}

/** Pids whose command line contains `marker` (Linux /proc), to prove a job left nothing running. */
export function processesMatching(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker)) pids.push(Number(name));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}
