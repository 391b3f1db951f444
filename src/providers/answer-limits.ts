import { DEFAULT_MAX_EVENT_BYTES } from '../dialects/sse/sse-parser.js';

/**
 * What one request may hold in memory of an upstream's answer. An upstream is untrusted input too:
 * without bounds one endless `data:` line, or a huge answer collected for a non-streaming caller,
 * could pin the whole process's memory. Past a bound the caller gets the dialect's error and the
 * upstream request is aborted.
 */
export interface AnswerLimits {
  /** One SSE event still being received (a line that never ends). */
  maxEventBytes: number;
  /** A whole answer held at once: a non-streaming upstream body, or a stream collected for a non-streaming caller. */
  maxAnswerBytes: number;
}

export const DEFAULT_ANSWER_LIMITS: AnswerLimits = {
  maxEventBytes: DEFAULT_MAX_EVENT_BYTES,
  maxAnswerBytes: 64 * 1024 * 1024,
};
