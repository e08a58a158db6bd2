import { z } from 'zod';
import type { ApiMethodName, ApiParams, ApiResult, HostBridge } from '../../shared/contract/api.js';
import { ApiErrorSchema, apiError, type ApiError, type ApiResponse } from '../../shared/contract/errors.js';
import { SIP_RELAY_PATH, WEB_SOCKET_PATH } from '../../shared/contract/wire.js';
import { roleFromPath } from '../../shared/domain/roles.js';
import { PrincipalSchema, type Principal } from '../../shared/identity/principal.js';
import { createWebSocketBridge, type HostLinkState, type WebSocketBridge } from './web-socket-bridge.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser served by the web host. */
    zhili?: HostBridge;
  }
}

export interface HostConnection {
  readonly bridge: HostBridge;
  readonly kind: 'electron' | 'web';
  linkState(): HostLinkState;
  onLinkState(listener: (state: HostLinkState) => void): () => void;
  /** Signs this page (web: this browser; Electron: this window) in as a user. */
  signIn(username: string, password: string): Promise<ApiResponse<Principal>>;
  /** Uses a one-time code: the start-up sign-in link's, or a crew phone's or wall screen's enrolment. */
  redeem(code: string): Promise<ApiResponse<Principal>>;
  /** Ends this page's credential (a device's is revoked: it must enrol again). */
  signOut(): Promise<ApiResponse<Principal>>;
  /** The host ended this page's credential (signed out elsewhere, revoked); `session.current` says who it is now. */
  onSessionEnded(listener: () => void): () => void;
}

/** The only place the renderer decides how it reaches its host. */
export function connectToHost(): HostConnection {
  if (window.zhili) {
    const bridge = window.zhili;
    // No cookies over IPC: the main process keeps the app's one credential, shared by its windows as tabs share a cookie.
    return {
      bridge,
      kind: 'electron',
      linkState: () => 'connected',
      onLinkState: () => () => undefined,
      signIn: (username, password) => bridge.call('session.signIn', { username, password }),
      redeem: (code) => bridge.call('session.redeem', { code }),
      signOut: () => bridge.call('session.signOut', {}),
      // The window hears `session.changed` (anonymous) instead.
      onSessionEnded: () => () => undefined,
    };
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const role = roleFromPath(location.pathname);
  const bridge = createWebSocketBridge(`${scheme}://${location.host}${WEB_SOCKET_PATH}${role ? `?role=${role}` : ''}`);
  return {
    bridge,
    kind: 'web',
    linkState: bridge.linkState,
    onLinkState: bridge.onLinkState,
    signIn: (username, password) => authRoute(bridge, 'sign-in', { username, password }),
    redeem: (code) => authRoute(bridge, 'redeem', { code }),
    signOut: () => authRoute(bridge, 'sign-out', {}),
    onSessionEnded: bridge.onSessionEnded,
  };
}

const AuthAnswerSchema = z.union([z.object({ principal: PrincipalSchema }), z.object({ error: ApiErrorSchema })]);

/**
 * The web host's sign-in routes: they set or clear the HttpOnly session cookie, which a WebSocket carries only from
 * its connect, so the socket is then renewed.
 */
async function authRoute(bridge: WebSocketBridge, route: 'sign-in' | 'redeem' | 'sign-out', body: object): Promise<ApiResponse<Principal>> {
  let response: Response;
  try {
    response = await fetch(`/auth/${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    return { ok: false, error: apiError('unavailable', 'The Zhili host cannot be reached.') };
  }
  const answer = AuthAnswerSchema.safeParse(await response.json().catch(() => null));
  if (!answer.success) return { ok: false, error: apiError('unavailable', `The Zhili host answered ${response.status} without a sign-in result.`) };
  if ('error' in answer.data) return { ok: false, error: answer.data.error };
  bridge.reconnect();
  return { ok: true, value: answer.data.principal };
}

/**
 * Where this window's SIP user agent connects. An Electron window reaches the SIP server itself; a page served by
 * the web host goes through the host's relay on its own origin, which a browser on another machine can reach and
 * which stays wss under HTTPS (the SIP server's own URL may be loopback on the host, or ws: mixed content).
 */
export function sipWebSocketUrl(accountServer: string): string {
  if (window.zhili) return accountServer;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SIP_RELAY_PATH}`;
}

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
  }
}

/** Calls the host and unwraps the answer; a host-side failure becomes an ApiCallError carrying the plain error. */
export async function callHost<M extends ApiMethodName>(bridge: HostBridge, method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const response = await bridge.call(method, params);
  if (!response.ok) throw new ApiCallError(response.error);
  return response.value;
}
