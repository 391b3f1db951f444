/** Small raw-HTTP helpers for this folder's tests (the SDK tests use the official clients instead). */

export function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    body: JSON.stringify(body),
  });
}

/** Splits SSE text into its events (each without the trailing blank line). */
export function sseBlocks(text: string): string[] {
  return text.split('\n\n').filter((block) => block !== '');
}

/** The `data:` payloads of SSE text, in order. */
export function sseData(text: string): string[] {
  return sseBlocks(text).map((block) => {
    const line = block.split('\n').find((candidate) => candidate.startsWith('data: '));
    return line === undefined ? '' : line.slice('data: '.length);
  });
}

/** Reads a body until it ends or fails; a failure is returned, not thrown, with the text read so far. */
export async function readUntilEndOrError(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = response.body?.getReader();
  if (reader === undefined) return { text: '' };
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode() };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/** Resolves 'pending' if the promise has not settled within ms. */
export async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  const settled = promise.then(
    () => 'settled' as const,
    () => 'settled' as const,
  );
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return result;
}
