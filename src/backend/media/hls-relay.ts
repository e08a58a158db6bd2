import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '../../node/logger.js';
import { errorCode } from '../../node/startup-error.js';
import { sendPlainText } from '../../node/http-safety.js';

/** A media server slower than this is treated as gone: the player retries, and says the camera is offline meanwhile. */
const UPSTREAM_TIMEOUT_MS = 5000;

/**
 * Relays one file of a configured HLS stream (its playlist or a segment) from the camera's media server. Consoles
 * fetch every stream from the backend, so their pages need no other origin in their CSP and the backend's signed
 * URLs guard the cameras too; a playlist passes through `rewritePlaylist` (which signs the URIs it names). A stream the media server no longer has (its publisher died) is a 404 here as well; one
 * that does not answer, or stalls before its playlist is whole, a 504 (502 for any other failure), each logged. A
 * segment that stalls once relaying began ends the response early. The promise never rejects.
 */
export async function relayHls(
  upstream: URL,
  response: ServerResponse,
  rewritePlaylist: (text: string) => string,
  logger: Logger,
  timeoutMs = UPSTREAM_TIMEOUT_MS,
): Promise<void> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const clientGone = abortedWhenClosed(response);
  const failed = (error: unknown) => {
    if (clientGone.aborted) return void logger.debug('a player left during a relayed file', { upstream: upstream.origin + upstream.pathname });
    const timedOut = deadline.aborted;
    logger.warn('a camera’s media server failed', { upstream: upstream.origin + upstream.pathname, reason: timedOut ? 'timeout' : (errorCode(error) ?? String(error)) });
    if (!response.headersSent) sendPlainText(response, timedOut ? 504 : 502, timedOut ? 'The camera’s media server does not answer in time.' : 'The camera’s media server does not answer.');
    else response.destroy();
  };
  // One deadline for the whole file: the answer and, for a playlist, its body; a client that leaves ends the fetch too.
  try {
    const answer = await fetch(upstream, { signal: AbortSignal.any([deadline, clientGone]) });
    if (!answer.ok || answer.body === null) {
      await answer.body?.cancel();
      logger.warn('a camera’s media server refused a file', { upstream: upstream.origin + upstream.pathname, status: answer.status });
      return sendPlainText(response, answer.status === 404 ? 404 : 502, `The camera’s media server answered ${answer.status}.`);
    }
    const type = answer.headers.get('content-type') ?? '';
    if (upstream.pathname.endsWith('.m3u8') || /mpegurl/i.test(type)) {
      const text = await answer.text();
      response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' });
      return void response.end(rewritePlaylist(text));
    }
    const length = answer.headers.get('content-length');
    response.writeHead(200, { 'Content-Type': type || 'video/mp2t', 'Cache-Control': 'no-store', ...(length ? { 'Content-Length': length } : {}) });
    pipeline(Readable.fromWeb(answer.body as WebReadableStream<Uint8Array>), response, (error) => {
      if (error && !response.writableFinished && errorCode(error) !== 'ERR_STREAM_PREMATURE_CLOSE') failed(error);
    });
  } catch (error) {
    failed(error);
  }
}

/** A signal that fires when the client's response closes before it was sent whole. */
function abortedWhenClosed(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** The playlist with each URI it names (segments, variant playlists, init sections, keys) passed through `rewrite`. */
export function rewritePlaylistUris(text: string, rewrite: (uri: string) => string): string {
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (!trimmed.startsWith('#')) return rewrite(trimmed);
      return line.replace(/URI="([^"]*)"/g, (_match, uri: string) => `URI="${rewrite(uri)}"`);
    })
    .join('\n');
}
