/** One Server-Sent Event as the spec dispatches it. */
export interface SseEvent {
  /** The `event:` field; absent means the default type `message`. */
  event?: string;
  /** The `data:` lines joined by `\n`. */
  data: string;
  id?: string;
}

/**
 * Writes one event. `data` must not contain line breaks; callers pass `JSON.stringify` output,
 * which never does, so text from a model can never start a forged event.
 */
export function formatSse(event: string | undefined, data: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
