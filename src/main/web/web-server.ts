import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { SESSION_ENDED_CLOSE_CODE, SIP_RELAY_PATH, WEB_SOCKET_PATH, WIRE_PROTOCOL_VERSION, type ServerMessage } from '../../shared/contract/wire.js';
import { ApiFailure } from '../../shared/contract/errors.js';
import { CITY_FILES_PATH } from '../../shared/city/city-files-path.js';
import { RoleSchema, roles } from '../../shared/domain/roles.js';
import { isRendererPage } from '../../shared/domain/pages.js';
import { listen } from '../../node/listen.js';
import { processHealth } from '../../node/health.js';
import { guardRequests, guardServer, requestUrl, sendFileStream, sendPlainText as sendText } from '../../node/http-safety.js';
import type { Logger } from '../../node/logger.js';
import { mayReceive } from '../../shared/identity/access.js';
import type { ConsoleCore } from '../core/console-core.js';
import type { SessionSlot } from '../core/api/index.js';
import { AUTH_PATH, credentialOf, sameOrigin, serveAuth } from './auth-routes.js';
import { readClientMessage } from './client-message.js';
import { relayMedia } from './media-relay.js';
import { createSipRelay } from './sip-relay.js';
import { createHostServer, refuseUnservedHosts, servedNames, type ServedNames, type TlsCredentials } from '../../node/tls/index.js';

export interface WebServerOptions {
  core: ConsoleCore;
  host: string;
  port: number;
  /** The built renderer (index.html and assets/). */
  rendererDir: string;
  /** HTTPS with these; default: plain HTTP (loopback only). */
  tls?: TlsCredentials | null;
  /** The names requests may be addressed to (Host), any other gets 421; default: the loopback names and `host`. */
  served?: ServedNames;
  logger: Logger;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The backend's camera media, relayed (see media-relay.ts). */
const MEDIA_PATH = '/media/';
const MAX_MESSAGE_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.bin': 'application/octet-stream',
};

/** The web host's transport: the built renderer over HTTP and the host API contract over one WebSocket per tab. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { core, logger } = options;

  /** Signed in as a user, or a kiosk screen: what the city's files are served to (pages and assets are public). */
  const viewer = (request: IncomingMessage): boolean => {
    const principal = core.identity.principalFor(credentialOf(request, logger));
    return principal.kind === 'user' || principal.kind === 'screen';
  };

  const tls = options.tls ?? null;
  const served = options.served ?? servedNames(options.host, []);
  const server = createHostServer(tls, guardRequests((request, response) => {
    const url = requestUrl(request, 'http://host.invalid');
    if (url === null) {
      logger.warn('refused a request whose target is not a URL', { address: request.socket.remoteAddress });
      return sendText(response, 400, 'Malformed request target.');
    }
    // Per response: a shared backend names its SIP server (a connect-src origin) only once the console has reached it.
    setSecurityHeaders(response, core.contentSecurityPolicy());
    if (url.pathname.startsWith(AUTH_PATH)) return serveAuth(request, response, url.pathname, core.identity, logger.child('auth'));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendText(response, 405, 'Method not allowed.');
    }
    if (url.pathname === '/healthz') {
      const backend = core.backend.getStatus();
      // A degraded host still answers 200: it keeps serving its wall screens, and the body says what went wrong.
      return sendJson(response, 200, {
        ...processHealth.report(),
        app: 'zhili',
        version: core.info.appVersion,
        host: core.info.host,
        startedAt: core.info.startedAt,
        backend: { state: backend.state, url: backend.url, embedded: backend.embedded, since: backend.since },
      });
    }
    if (url.pathname.startsWith(MEDIA_PATH)) {
      if (!viewer(request)) return sendText(response, 401, 'Sign in to this Zhili web host first.');
      const target = core.backendMediaTarget(`${url.pathname}${url.search}`);
      return relayMedia(request, response, target.url, target.ca, logger.child('media'));
    }
    if (url.pathname.startsWith(CITY_FILES_PATH)) {
      if (!viewer(request)) return sendText(response, 401, 'Sign in to this Zhili web host first.');
      return sendCityFile(request, response, core, url.pathname, logger);
    }
    const role = url.pathname.split('/').filter(Boolean)[0];
    if (isRendererPage(url.pathname)) {
      return sendFile(response, join(options.rendererDir, 'index.html'), 'no-cache', logger);
    }
    if (role !== undefined && (roles as readonly string[]).includes(role) && url.pathname === `/${role}/`) {
      response.writeHead(301, { Location: `/${role}${url.search}` });
      return response.end();
    }
    const file = safeJoin(options.rendererDir, url.pathname);
    if (file === null || !existsSync(file) || !statSync(file).isFile()) return sendText(response, 404, 'Not found.');
    return sendFile(response, file, url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache', logger);
  }, logger));
  guardServer(server, logger);

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sipRelay = createSipRelay({ target: () => core.sipServerUrl(), logger: logger.child('sip-relay') });
  server.on('upgrade', (request, socket, head) => {
    const url = requestUrl(request, 'http://host.invalid');
    const refuse = (status: number, reason: string) => {
      logger.warn('refused a WebSocket', { reason, origin: request.headers.origin, address: request.socket.remoteAddress });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n\r\n`);
    };
    if (url === null) return refuse(400, 'Bad Request');
    if (url.pathname !== WEB_SOCKET_PATH && url.pathname !== SIP_RELAY_PATH) return refuse(404, 'Not Found');
    // A page from another site must not drive this console through the visitor's browser (cross-site WebSocket
    // hijacking); a client that is no browser sends no Origin, and gets no further than its credential takes it.
    if (request.headers.origin !== undefined && !sameOrigin(request)) return refuse(403, 'Forbidden');
    if (url.pathname === SIP_RELAY_PATH) {
      // The SIP server is for those who call or are called: operators and crew phones, not wall screens or nobody.
      const caller = core.identity.principalFor(credentialOf(request, logger));
      if (caller.kind !== 'user' && caller.kind !== 'crew') return refuse(401, 'Unauthorized');
      // A lost phone's credential revoked: its SIP registration goes with its API socket, at once.
      sipSocketsByCredential.set(socket, caller.credentialId);
      socket.once('close', () => sipSocketsByCredential.delete(socket));
      return sipRelay.handleUpgrade(request, socket, head);
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, url, request));
  });

  /** Open sockets by the credential they hold, so that a revocation or a lock reaches them at once. */
  const socketsByCredential = new Map<WebSocket, { credentialId: () => string | null; changed(): void; ended(): void }>();
  const sipSocketsByCredential = new Map<Duplex, string>();
  const stopWatchingCredentials = core.identity.onChange(({ credentialId, change }) => {
    for (const entry of socketsByCredential.values()) {
      if (entry.credentialId() !== credentialId) continue;
      if (change === 'ended') entry.ended();
      else entry.changed();
    }
    if (change !== 'ended') return;
    for (const [socket, holder] of sipSocketsByCredential) if (holder === credentialId) socket.destroy();
  });

  const serveSocket = (ws: WebSocket & { alive?: boolean }, url: URL, request: IncomingMessage) => {
    const role = RoleSchema.safeParse(url.searchParams.get('role'));
    let credential = credentialOf(request, logger);
    const principal = () => core.identity.principalFor(credential);
    // Remembered, not looked up when a change comes: a revoked credential no longer resolves to its id.
    const idOf = (current = principal()) => (current.kind === 'anonymous' ? null : current.credentialId);
    let credentialId = idOf();
    const session: SessionSlot = {
      get credential() {
        return credential;
      },
      adopt(secret) {
        credential = secret;
        credentialId = idOf();
        connection.notify('session.changed', principal());
      },
    };
    const origin = { transport: 'web' as const, clientId: randomUUID(), role: role.success ? role.data : null, address: request.socket.remoteAddress ?? 'unknown', session };
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const connection = core.hub.connect((event, payload) => send({ t: 'event', event, payload }), (event) => mayReceive(principal(), event));
    socketsByCredential.set(ws, {
      credentialId: () => credentialId,
      changed: () => connection.notify('session.changed', principal()),
      // Its subscriptions were granted to a caller who is gone: the page reconnects as nobody and shows sign-in.
      ended: () => ws.close(SESSION_ENDED_CLOSE_CODE, 'signed out'),
    });
    ws.alive = true;
    ws.on('pong', () => {
      ws.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      const read = readClientMessage(data, isBinary);
      if (!read.ok) {
        logger.warn('rejected a malformed message', { clientId: origin.clientId, reason: read.reason, issues: read.error.issues });
        return send({ t: 'error', error: read.error });
      }
      const body = read.message;
      if (body.t === 'call') {
        void core.dispatch(body.method, body.params, origin).then((response) => send({ t: 'result', id: body.id, response }));
        return;
      }
      const error = body.t === 'subscribe' ? connection.subscribe(body.event) : connection.unsubscribe(body.event);
      if (error) {
        logger.warn(`rejected ${body.t === 'subscribe' ? 'a subscription' : 'an unsubscription'}`, { clientId: origin.clientId, error: error.message });
        send({ t: 'error', error });
      }
    });
    ws.on('close', () => {
      socketsByCredential.delete(ws);
      connection.dispose();
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws refuses a frame over the size cap or text that is not UTF-8 with one of its WS_ERR_ codes, and closes the socket.
      if (error.code?.startsWith('WS_ERR_')) logger.warn('rejected a WebSocket frame; the connection is closed', { clientId: origin.clientId, code: error.code, error: error.message });
      else logger.warn('socket error', { clientId: origin.clientId, error });
    });
    send({ t: 'hello', protocol: WIRE_PROTOCOL_VERSION, appVersion: core.info.appVersion });
  };

  const heartbeat = setInterval(() => {
    for (const client of sockets.clients as Set<WebSocket & { alive?: boolean }>) {
      if (client.alive === false) {
        client.terminate();
        continue;
      }
      client.alive = false;
      client.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  refuseUnservedHosts(server, served, logger);
  const port = await listen(server, options.host, options.port, 'web host');
  const base = `${tls === null ? 'http' : 'https'}://${served.primary}:${port}/`;
  return {
    url: base,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        stopWatchingCredentials();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        sipRelay.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function setSecurityHeaders(response: ServerResponse, csp: string): void {
  response.setHeader('Content-Security-Policy', csp);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function sendFile(response: ServerResponse, file: string, cacheControl: string, logger: Logger): void {
  sendFileStream(response, file, { 'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': cacheControl }, logger);
}

/** A file of the city build, revalidated by a tag of its size and time so a reload does not fetch chunks again. */
function sendCityFile(request: IncomingMessage, response: ServerResponse, core: ConsoleCore, pathname: string, logger: Logger): void {
  let file: string | null;
  try {
    file = core.cityFilePath(decodeURIComponent(pathname.slice(CITY_FILES_PATH.length)));
  } catch (error) {
    if (error instanceof URIError) return sendText(response, 400, 'Malformed path.');
    return sendText(response, 503, error instanceof ApiFailure ? error.message : 'The city data is unavailable.');
  }
  if (file === null || !existsSync(file)) return sendText(response, 404, 'Not found.');
  const stat = statSync(file);
  const tag = `W/"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
  response.setHeader('ETag', tag);
  if (request.headers['if-none-match'] === tag) {
    response.writeHead(304, { 'Cache-Control': 'no-cache' });
    return void response.end();
  }
  return sendFile(response, file, 'no-cache', logger);
}

/** Resolves a URL path inside `root`, or null when it would escape it. */
function safeJoin(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = normalize(join(root, decoded));
  return file.startsWith(normalize(root) + sep) ? file : null;
}

