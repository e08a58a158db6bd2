import type { ApiMethodName, ApiParams, ApiResult, HostBridge } from '../../shared/contract/api.js';
import type { ApiError } from '../../shared/contract/errors.js';
import { SIP_RELAY_PATH, WEB_SOCKET_PATH } from '../../shared/contract/wire.js';
import { roleFromPath } from '../../shared/domain/roles.js';
import { createWebSocketBridge, type HostLinkState } from './web-socket-bridge.js';

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
}

/** The only place the renderer decides how it reaches its host. */
export function connectToHost(): HostConnection {
  if (window.zhili) {
    const bridge = window.zhili;
    return { bridge, kind: 'electron', linkState: () => 'connected', onLinkState: () => () => undefined };
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const role = roleFromPath(location.pathname);
  const bridge = createWebSocketBridge(`${scheme}://${location.host}${WEB_SOCKET_PATH}${role ? `?role=${role}` : ''}`);
  return { bridge, kind: 'web', linkState: bridge.linkState, onLinkState: bridge.onLinkState };
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
