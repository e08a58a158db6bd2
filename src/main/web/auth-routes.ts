import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ApiFailure, issuesOf } from '../../shared/contract/errors.js';
import { OneTimeCodeSchema, SignInSchema } from '../../shared/identity/accounts.js';
import type { Principal } from '../../shared/identity/principal.js';
import { readBody, readCookie } from '../../node/http-safety.js';
import type { Logger } from '../../node/logger.js';
import type { IdentityService, SignedIn } from '../core/identity/index.js';

/** The cookie a browser keeps its credential in: HttpOnly (no script reads it), sent to this host only. */
export const SESSION_COOKIE = 'zhili_session';
export const AUTH_PATH = '/auth/';
const MAX_BODY_BYTES = 4096;
/** Chromium keeps a cookie at most 400 days; a device credential lasts until revoked, renewed at each page load. */
const DEVICE_COOKIE_S = 400 * 86_400;

/** The credential a request carries in its cookie (null: none, or a malformed one, logged). */
export function credentialOf(request: IncomingMessage, logger: Logger): string | null {
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (cookie === null) return null;
  if ('malformed' in cookie) {
    logger.warn('ignored a malformed session cookie', { address: request.socket.remoteAddress });
    return null;
  }
  return cookie.value;
}

/** Whether a browser request comes from a page of this host (its Origin is this Host): the guard against CSRF. */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  return origin !== undefined && host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * The web host's sign-in over HTTP, so that the browser keeps the credential as an HttpOnly cookie across reloads and
 * host restarts: POST /auth/sign-in {username, password}, /auth/redeem {code} (the start-up link, a device's
 * enrolment), /auth/sign-out. JSON only, from this host's own pages only.
 */
export function serveAuth(request: IncomingMessage, response: ServerResponse, pathname: string, identity: IdentityService, logger: Logger): void {
  const address = request.socket.remoteAddress ?? 'unknown';
  const reply = (status: number, body: unknown, cookie?: string) => {
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'POST') return reply(405, { error: { code: 'invalid-message', message: 'POST only.' } });
  if (!sameOrigin(request)) {
    logger.warn('refused a sign-in request from another origin', { origin: request.headers.origin, address });
    return reply(403, { error: { code: 'forbidden', message: 'Sign in from a page of this host.' } });
  }
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    return reply(415, { error: { code: 'invalid-message', message: 'Send JSON.' } });
  }
  const secure = 'encrypted' in request.socket && request.socket.encrypted === true;
  const cookieFor = (signedIn: SignedIn): string => {
    const principal = signedIn.principal;
    const seconds = principal.kind === 'user' ? Math.max(0, Math.floor((Date.parse(principal.expiresAt) - Date.now()) / 1000)) : DEVICE_COOKIE_S;
    return sessionCookie(signedIn.secret, seconds, secure);
  };
  readBody(request, MAX_BODY_BYTES, (body) => {
    if (body === null) return reply(413, { error: { code: 'invalid-message', message: `At most ${MAX_BODY_BYTES} bytes.` } });
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(400, { error: { code: 'invalid-message', message: 'The body is not JSON.' } });
    }
    const answer = (work: () => Promise<SignedIn | null> | SignedIn | null) => {
      Promise.resolve()
        .then(work)
        .then(
          (signedIn) =>
            signedIn === null
              ? reply(200, { principal: { kind: 'anonymous' } satisfies Principal }, sessionCookie('', 0, secure))
              : reply(200, { principal: signedIn.principal }, cookieFor(signedIn)),
          (error: unknown) => {
            if (error instanceof ApiFailure) return reply(401, { error: error.error });
            logger.error('sign-in failed inside the host', { error });
            return reply(500, { error: { code: 'internal', message: 'Sign-in failed inside the host; see its log.' } });
          },
        );
    };
    const invalid = (error: z.ZodError) => reply(400, { error: { code: 'invalid-params', message: 'Invalid request.', issues: issuesOf(error) } });
    switch (pathname) {
      case `${AUTH_PATH}sign-in`: {
        const parsed = SignInSchema.safeParse(json);
        if (!parsed.success) return invalid(parsed.error);
        return answer(() => identity.signIn(parsed.data.username, parsed.data.password, address));
      }
      case `${AUTH_PATH}redeem`: {
        const parsed = z.object({ code: OneTimeCodeSchema }).strict().safeParse(json);
        if (!parsed.success) return invalid(parsed.error);
        return answer(() => identity.redeem(parsed.data.code, address));
      }
      case `${AUTH_PATH}sign-out`:
        return answer(() => {
          identity.signOut(identity.principalFor(credentialOf(request, logger)));
          return null;
        });
      default:
        return reply(404, { error: { code: 'not-found', message: 'No such sign-in route.' } });
    }
  });
}

function sessionCookie(secret: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}
