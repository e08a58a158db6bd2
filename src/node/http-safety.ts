import { createReadStream, fstatSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { processHealth, type ProcessHealth } from './health.js';
import type { Logger } from './logger.js';
import { errorCode } from './startup-error.js';

/**
 * Limits for every HTTP server of Zhili, so a client that sends its request slowly (slowloris) or endlessly is cut
 * off in bounded time: its headers within 10 s, the whole request within 30 s (the expired ones are swept every
 * second, not every 30 s as by default). WebSocket and socket.io connections leave these limits once upgraded.
 */
export const HTTP_SERVER_LIMITS = {
  maxHeaderSize: 16 * 1024,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
} as const satisfies ServerOptions;

/** The answers to Node's parser errors that are not a plain 400. */
const refusals: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** Headers beyond this count are dropped by Node, not refused; 100 is far more than any browser or player sends. */
const MAX_HEADERS_COUNT = 100;

/** The request's URL, or null when its target is not one (`//a:99999`, `http://[`): the caller answers 400. */
export function requestUrl(request: IncomingMessage, base: string): URL | null {
  try {
    return new URL(request.url ?? '/', base);
  } catch {
    return null;
  }
}

/**
 * Hardens a server against requests Node's parser refuses (a malformed request line, oversized headers, a slow
 * request): each gets its status and a closed connection, and one warning line says why, instead of Node's silent
 * default. A client that reset the connection itself gets nothing and is logged at debug only.
 */
export function guardServer(server: Server, logger: Logger): void {
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  server.on('clientError', (error: Error, socket: Duplex) => {
    const code = errorCode(error);
    if (code === 'ECONNRESET' || code === 'EPIPE' || !socket.writable) {
      logger.debug('a client went away mid-request', { code });
      return void socket.destroy();
    }
    const [status, text] = refusals[code ?? ''] ?? [400, 'Bad Request'];
    logger.warn('refused a malformed or slow request', { status, code, address: (socket as { remoteAddress?: string }).remoteAddress });
    // As Node's own default: no status line into a response already under way (a pipelined request), and no waiting
    // for a client that may never close its side.
    const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!inFlight?.headersSent) socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  });
  // A client that resets its socket during an upgrade must not raise an unhandled 'error' (Node hands the raw socket over).
  server.prependListener('upgrade', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', (error: Error) => logger.debug('an upgrading socket failed', { code: errorCode(error) }));
  });
}

/**
 * Wraps a request handler so that an exception in it (or a rejection of the promise it returns) is a 500 and a
 * logged programming error recorded in the process health, never an uncaught exception that ends the process.
 */
export function guardRequests(
  handler: (request: IncomingMessage, response: ServerResponse) => unknown,
  logger: Logger,
  health: ProcessHealth = processHealth,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const failed = (error: unknown) => {
      const summary = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.error(`programming error in a request handler: ${summary}`, { method: request.method, path: pathOf(request), error });
      health.record(`request handler: ${summary}`);
      if (!response.headersSent) sendPlainText(response, 500, 'Internal error; it has been logged.');
      else response.destroy();
    };
    try {
      const result = handler(request, response);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}

export function sendPlainText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}

/**
 * Streams a file as a 200 with `headers` and its length. A file that vanished, is no file or cannot be read between
 * the caller's check and the open is a 404 (or a 500) and a warning; a read failure mid-way ends the response early; a client that
 * leaves stops the read.
 */
export function sendFileStream(response: ServerResponse, file: string, headers: OutgoingHttpHeaders, logger: Logger): void {
  const stream = createReadStream(file);
  stream.once('error', (error) => {
    if (response.headersSent) return;
    const code = errorCode(error);
    logger.warn('could not open a file it serves', { file, code });
    sendPlainText(response, code === 'ENOENT' ? 404 : 500, code === 'ENOENT' ? 'Not found.' : 'The file cannot be read.');
  });
  stream.once('open', (fd) => {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      stream.destroy();
      logger.warn('could not open a file it serves', { file, code: 'not a file' });
      return sendPlainText(response, 404, 'Not found.');
    }
    response.writeHead(200, { ...headers, 'Content-Length': stat.size });
    pipeline(stream, response, (error) => {
      const code = errorCode(error);
      if (error && code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.warn('a file stream failed mid-way', { file, code });
    });
  });
}

export type CookieRead = { value: string } | { malformed: true } | null;

/**
 * The cookie `name` from a Cookie header, percent-decoded: null when absent, `{ malformed }` when its value is not
 * valid percent-encoding (`%E0%A4%A`), so a caller refuses or ignores it instead of throwing.
 */
export function readCookie(header: string | undefined, name: string): CookieRead {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return { value: decodeURIComponent(part.slice(separator + 1).trim()) };
    } catch {
      return { malformed: true };
    }
  }
  return null;
}

/** The request's path without its query, which may hold a token, for log lines. */
function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?')[0]?.slice(0, 200) ?? '';
}

/** The request body, or null when it is longer than `limit` bytes (the rest is drained, not kept). */
export function readBody(request: IncomingMessage, limit: number, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  request.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      finished = true;
      done(null);
      request.resume();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(chunks));
  });
  request.on('error', () => {
    finished = true;
  });
}
