import type { MediaSource } from '../../canonical/chat-request.js';

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s;

/**
 * Reads an `image_url.url` or `file.file_data`: a base64 data URL becomes inline bytes, an
 * http(s) URL stays a reference. Anything else (plain base64, `file:`, non-base64 data URLs) is
 * undefined so the caller can reject it by name.
 */
export function mediaSourceFromUrl(url: string, allowRemote: boolean): MediaSource | undefined {
  const match = DATA_URL.exec(url);
  if (match !== null) {
    const [, mediaType, , data] = match;
    if (mediaType === undefined || data === undefined) return undefined;
    return { kind: 'base64', mediaType, data };
  }
  if (allowRemote && /^https?:\/\//i.test(url)) return { kind: 'url', url };
  return undefined;
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** The URL form OpenAI accepts for an image: inline bytes as a data URL, or the original URL. */
export function urlFromMediaSource(source: MediaSource): string {
  switch (source.kind) {
    case 'base64':
      return dataUrl(source.mediaType, source.data);
    case 'url':
      return source.url;
  }
}
