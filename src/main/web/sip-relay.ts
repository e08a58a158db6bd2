import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '../../node/logger.js';
import { errorCode } from '../../node/startup-error.js';

/** SIP over WebSocket (RFC 7118) carries one SIP message per frame; 64 KiB is the largest a SIP transport allows (UDP). */
export const MAX_SIP_FRAME_BYTES = 64 * 1024;
/** A side that reads slower than this much is left queued for it is dropped, both ends with it, rather than held in memory. */
const MAX_QUEUED_BYTES = 1024 * 1024;
const UPSTREAM_HANDSHAKE_MS = 5000;
const SIP_SUBPROTOCOL = 'sip';

export interface SipRelay {
  /** Takes an upgrade the host has already checked (origin, authorisation) and joins it to the SIP server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every relayed connection (the host is stopping). */
  close(): void;
}

/**
 * The web host's relay from a page's WebSocket to the SIP server's: it opens the server side first and completes the
 * page's handshake only once that is up (a server that is down or unreachable is a 502 the page's user agent retries),
 * then passes every frame through as it came, text or binary, with the `sip` subprotocol on both sides, and closes
 * each side when the other closes.
 */
export function createSipRelay(options: { target: () => string | null; logger: Logger }): SipRelay {
  const { logger } = options;
  const pages = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_SIP_FRAME_BYTES,
    // The relay speaks only SIP: a page that does not ask for it gets no subprotocol and the handshake fails there.
    handleProtocols: (protocols) => (protocols.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false),
  });
  const pairs = new Set<{ page: WebSocket; server: WebSocket }>();

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.on('error', (error: Error) => logger.debug('a refused SIP relay socket failed', { code: errorCode(error) }));
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  return {
    handleUpgrade(request, socket, head) {
      const target = options.target();
      if (target === null) {
        logger.warn('refused a SIP relay connection: no SIP server is configured or known yet', { address: request.socket.remoteAddress });
        return refuse(socket, 503, 'Service Unavailable');
      }
      const server = new WebSocket(target, SIP_SUBPROTOCOL, { maxPayload: MAX_SIP_FRAME_BYTES, handshakeTimeout: UPSTREAM_HANDSHAKE_MS });
      // The page may leave while the server side is still opening.
      const pageLeft = () => server.terminate();
      socket.once('close', pageLeft);
      const unreachable = (error: Error) => {
        logger.warn('the SIP server could not be reached for a page', { target, error: error.message, address: request.socket.remoteAddress });
        if (socket.writable) refuse(socket, 502, 'Bad Gateway');
      };
      server.once('error', unreachable);
      server.once('open', () => {
        server.off('error', unreachable);
        if (socket.destroyed) return void server.close();
        // A page handshake that ws refuses (a malformed key) closes the socket without a call back: pageLeft then.
        pages.handleUpgrade(request, socket, head, (page) => {
          socket.off('close', pageLeft);
          join(page, server);
        });
      });
    },
    close() {
      for (const { page, server } of pairs) {
        page.terminate();
        server.terminate();
      }
      pairs.clear();
      pages.close();
    },
  };

  function join(page: WebSocket, server: WebSocket): void {
    const pair = { page, server };
    pairs.add(pair);
    const forward = (to: WebSocket) => (data: RawData, isBinary: boolean) => {
      if (to.readyState !== WebSocket.OPEN) return;
      if (to.bufferedAmount > MAX_QUEUED_BYTES) {
        logger.warn('dropped a SIP relay connection whose reader fell behind', { queuedBytes: to.bufferedAmount });
        page.terminate();
        server.terminate();
        return;
      }
      to.send(data, { binary: isBinary });
    };
    page.on('message', forward(server));
    server.on('message', forward(page));
    const closeOther = (other: WebSocket) => (code: number, reason: Buffer) => {
      pairs.delete(pair);
      if (other.readyState === WebSocket.CLOSED || other.readyState === WebSocket.CLOSING) return;
      // 1005 (no code) and 1006 (dropped) say what happened and may not be sent; a plain close says the same.
      if (code === 1005 || code === 1006) other.close();
      else other.close(code, reason);
    };
    page.on('close', closeOther(server));
    server.on('close', closeOther(page));
    page.on('error', (error: Error & { code?: string }) => {
      // ws closes a page socket that sends a frame over the cap (WS_ERR_…); the close above takes the server side with it.
      logger.warn('a page broke the SIP relay connection; both ends closed', { code: error.code, error: error.message });
    });
    server.on('error', (error: Error) => {
      logger.warn('the SIP server side of a relay connection failed; both ends closed', { error: error.message });
      page.terminate();
    });
  }
}
