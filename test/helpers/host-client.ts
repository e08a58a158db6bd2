import { WebSocket } from 'ws';
import type { ApiMethodName, ApiParams, ApiResult } from '../../src/shared/contract/api.js';
import { createWebSocketBridge, type WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { signInBridge } from './identity.js';

/**
 * The renderer's own WebSocket client, driven from Node (with `ws` as the WebSocket class), for tests; signed in as
 * the test administrator (who holds every role) unless `signIn` is false.
 */
export async function connectHost(baseUrl: string, signIn = true): Promise<WebSocketBridge> {
  const url = new URL('/api/ws', baseUrl.replace(/^http/, 'ws')).toString();
  const bridge = createWebSocketBridge(url, WebSocket as unknown as typeof globalThis.WebSocket);
  await new Promise<void>((resolve) => {
    if (bridge.linkState() === 'connected') return resolve();
    const off = bridge.onLinkState((state) => {
      if (state === 'connected') {
        off();
        resolve();
      }
    });
  });
  if (signIn) await signInBridge(bridge);
  return bridge;
}

/** Calls a method and returns its value, failing the test with the host's error otherwise. */
export async function call<M extends ApiMethodName>(bridge: WebSocketBridge, method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const response = await bridge.call(method, params);
  if (!response.ok) throw new Error(`${method}: ${response.error.code}: ${response.error.message}`);
  return response.value;
}
