import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { AsyncQueue } from '../../platform/async-queue.js';
import { sendSignal, signalTaggedProcesses } from './process-reaper.js';

export interface ClaudeProcessOptions {
  bin: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The value of the job tag in `env`, used to find the job's processes outside its process group. */
  jobTag: string;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

/** What the process produces: stdout lines in order, then exactly one exit. */
export type ProcessOutput =
  | { kind: 'line'; text: string }
  | { kind: 'exit'; code: number | null; signal: string | null; stderrTail: string };

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** `performance.now()` when the process and every tagged descendant were gone. */
  atMs: number;
}

const STDERR_TAIL_CHARS = 2000;
/** A descendant that inherited stdout could keep it open after Claude Code itself exited. */
const STDIO_DRAIN_MS = 2000;
const REAP_ATTEMPTS = 50;
const REAP_INTERVAL_MS = 20;

/**
 * One Claude Code process in its own process group (`detached`), so that one signal reaches it and
 * the helpers it starts; the job tag reaches the rest (see process-reaper.ts). `exited` resolves
 * only once every process of the job is gone, which is when its slot may be reused.
 */
export class ClaudeProcess {
  readonly pid: number | undefined;
  readonly spawnedAtMs = performance.now();
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly outputs = new AsyncQueue<ProcessOutput>();
  private stderrTail = '';
  private hasExited = false;
  private killTimer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ClaudeProcessOptions) {
    this.child = spawn(options.bin, options.args, { cwd: options.cwd, env: options.env, detached: true, stdio: 'pipe' });
    this.pid = this.child.pid;
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
    lines.on('line', (text) => this.outputs.push({ kind: 'line', text }));
    this.exited = new Promise((resolve) => this.watchExit(resolve));
  }

  /** stdout lines, then the exit. */
  output(): AsyncIterable<ProcessOutput> {
    return this.outputs;
  }

  write(text: string): void {
    if (!this.child.stdin.writable) return;
    this.child.stdin.write(text);
  }

  /** Claude Code 2.1.197 ends its session at stdin EOF: call this only after the `result` line. */
  closeStdin(): void {
    this.child.stdin.end();
  }

  /** SIGTERM to the group and every tagged process, SIGKILL after the grace period. Idempotent. */
  terminate(): void {
    if (this.hasExited || this.killTimer !== undefined) return;
    this.signalAll('SIGTERM');
    this.killTimer = setTimeout(() => this.signalAll('SIGKILL'), this.options.killGraceMs);
  }

  /** Lets the process finish on its own, but no longer than `ms`. */
  terminateAfter(ms: number): void {
    if (this.hasExited || this.settleTimer !== undefined) return;
    this.settleTimer = setTimeout(() => this.terminate(), ms);
  }

  private signalAll(signal: NodeJS.Signals): void {
    if (this.pid !== undefined) sendSignal(-this.pid, signal);
    void signalTaggedProcesses(this.options.jobTag, signal);
  }

  private watchExit(resolve: (exit: ProcessExit) => void): void {
    let reported = false;
    const report = (code: number | null, signal: string | null): void => {
      if (reported) return;
      reported = true;
      this.outputs.push({ kind: 'exit', code, signal, stderrTail: this.stderrTail });
      this.outputs.close();
    };
    this.child.once('error', (error) => {
      this.stderrTail = `${this.stderrTail}${error.message}`;
      this.hasExited = true;
      report(null, null);
      resolve({ code: null, signal: null, atMs: performance.now() });
    });
    this.child.once('exit', (code, signal) => {
      this.hasExited = true;
      clearTimeout(this.killTimer);
      clearTimeout(this.settleTimer);
      const drain = setTimeout(() => {
        this.child.stdout.destroy();
        this.child.stderr.destroy();
      }, STDIO_DRAIN_MS);
      this.child.once('close', () => {
        clearTimeout(drain);
        report(code, signal);
      });
      void this.reapLeftovers().then(() => resolve({ code, signal, atMs: performance.now() }));
    });
  }

  /**
   * Commands Claude Code started in their own sessions outlive it; the job is over, so they go too.
   * A signal is delivered asynchronously, so this waits until none of them is left.
   */
  private async reapLeftovers(): Promise<void> {
    if (this.pid !== undefined) sendSignal(-this.pid, 'SIGKILL');
    for (let attempt = 0; attempt < REAP_ATTEMPTS; attempt += 1) {
      if ((await signalTaggedProcesses(this.options.jobTag, 'SIGKILL')) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, REAP_INTERVAL_MS));
    }
  }
}
