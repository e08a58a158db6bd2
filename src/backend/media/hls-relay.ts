import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** A media server slower than this is treated as gone: the player retries, and says the camera is offline meanwhile. */
const UPSTREAM_TIMEOUT_MS = 5000;

/**
 * Relays one file of a configured HLS stream (its playlist or a segment) from the camera's media server. Consoles
 * fetch every stream from the backend, so their pages need no other origin in their CSP and the backend's token
 * guards the cameras too. A stream the media server no longer has (its publisher died) is a 404 here as well.
 */
export async function relayHls(upstream: URL, response: ServerResponse, uriQuery: string): Promise<void> {
  let answer: Response;
  try {
    answer = await fetch(upstream, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
  } catch {
    return plain(response, 502, 'The camera’s media server does not answer.');
  }
  if (!answer.ok || answer.body === null) {
    await answer.body?.cancel();
    return plain(response, answer.status === 404 ? 404 : 502, `The camera’s media server answered ${answer.status}.`);
  }
  const type = answer.headers.get('content-type') ?? '';
  if (upstream.pathname.endsWith('.m3u8') || /mpegurl/i.test(type)) {
    const text = await answer.text();
    response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' });
    return void response.end(uriQuery === '' ? text : playlistWithQuery(text, uriQuery));
  }
  const length = answer.headers.get('content-length');
  response.writeHead(200, { 'Content-Type': type || 'video/mp2t', 'Cache-Control': 'no-store', ...(length ? { 'Content-Length': length } : {}) });
  const body = Readable.fromWeb(answer.body as WebReadableStream<Uint8Array>);
  body.on('error', () => response.destroy());
  body.pipe(response);
}

/**
 * The playlist with `query` (`?token=…`) added to each relative URI it names (segments, variant playlists, init
 * sections, keys), so a player's follow-up requests carry the backend's token too.
 */
export function playlistWithQuery(text: string, query: string): string {
  const withQuery = (uri: string) => (/^[a-z][a-z0-9+.-]*:/i.test(uri) ? uri : `${uri}${uri.includes('?') ? `&${query.slice(1)}` : query}`);
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (!trimmed.startsWith('#')) return withQuery(trimmed);
      return line.replace(/URI="([^"]*)"/g, (_match, uri: string) => `URI="${withQuery(uri)}"`);
    })
    .join('\n');
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
