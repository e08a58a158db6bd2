import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { sendPlainText } from '../../node/http-safety.js';
import type { Logger } from '../../node/logger.js';
import { errorCode } from '../../node/startup-error.js';

/** A backend that has not started answering by then is down as far as a player is concerned. */
const UPSTREAM_TIMEOUT_MS = 10_000;
/** What a player needs of the backend's answer; the rest (its CORS, its server name) stays between host and backend. */
const PASSED_HEADERS = ['content-type', 'content-length', 'cache-control', 'last-modified', 'etag'] as const;

/**
 * The backend's /media files (HLS playlists and segments, at the URLs the backend signed) relayed on the page's own
 * origin: a wall browser anywhere on the LAN reaches the cameras through the host it already trusts, over HTTPS when
 * the host serves it, while the backend (the embedded one listens on loopback) stays out of the browser's reach.
 */
export function relayMedia(request: IncomingMessage, response: ServerResponse, target: URL, ca: string | undefined, logger: Logger): void {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: request.method === 'HEAD' ? 'HEAD' : 'GET', timeout: UPSTREAM_TIMEOUT_MS, ...(ca ? { ca } : {}) }, (answer) => {
    const headers = Object.fromEntries(PASSED_HEADERS.flatMap((name) => (answer.headers[name] === undefined ? [] : [[name, answer.headers[name]]])));
    response.writeHead(answer.statusCode ?? 502, headers);
    pipeline(answer, response, (error) => {
      if (error && errorCode(error) !== 'ERR_STREAM_PREMATURE_CLOSE') logger.debug('a relayed media answer ended early', { path: target.pathname, code: errorCode(error) });
    });
  });
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('the backend did not answer in time'), { code: 'ETIMEDOUT' })));
  upstream.on('error', (error) => {
    logger.warn('could not relay a media request to the backend', { path: target.pathname, code: errorCode(error) ?? String(error) });
    if (!response.headersSent) sendPlainText(response, errorCode(error) === 'ETIMEDOUT' ? 504 : 502, 'The backend’s media are unavailable.');
    else response.destroy();
  });
  // A player that moved on (a tile closed) takes its request to the backend with it.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  upstream.end();
}
