import type { ApiEventName, ApiEventPayload, ApiMethodName, ApiParams, ApiResult, HostBridge } from '../../shared/contract/api.js';
import { apiError, type ApiResponse } from '../../shared/contract/errors.js';
import { SESSION_ENDED_CLOSE_CODE, ServerMessageSchema, type ClientMessage } from '../../shared/contract/wire.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';

export type HostLinkState = 'connecting' | 'connected' | 'disconnected';

export interface WebSocketBridge extends HostBridge {
  linkState(): HostLinkState;
  onLinkState(listener: (state: HostLinkState) => void): () => void;
  /** Drops the socket and opens a new one at once: after a sign-in or sign-out, so that it carries the new cookie. */
  reconnect(): void;
  /** The host closed the socket because its credential ended (signed out elsewhere, revoked): the page is nobody now. */
  onSessionEnded(listener: () => void): () => void;
  dispose(): void;
}

/**
 * Jittered so that the screens of a wall do not all hit a restarted host in the same instant. Capped at 2 s: a wall
 * must be back within 5 s of its host (#14), and a refused connection to the host costs next to nothing, whereas a
 * 5 s cap let a screen wait up to 6.5 s after a slow host restart was already serving.
 */
const RETRY_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 2000, jitter: 0.3 };

/**
 * The web host's client side of the contract. It reconnects on its own with back-off, replays subscriptions after a
 * reconnect, and answers calls made while the host is unreachable with an `unavailable` error instead of hanging.
 */
export function createWebSocketBridge(url: string, WebSocketImpl: typeof WebSocket = WebSocket): WebSocketBridge {
  let socket: WebSocket | null = null;
  let state: HostLinkState = 'connecting';
  let retryAttempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let nextId = 1;
  const pending = new Map<number, (response: ApiResponse<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(state: HostLinkState) => void>();
  const endedListeners = new Set<() => void>();

  const setState = (next: HostLinkState) => {
    if (state === next) return;
    state = next;
    for (const listener of linkListeners) listener(next);
  };

  const send = (message: ClientMessage): boolean => {
    if (socket?.readyState !== WebSocketImpl.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  };

  const failPending = (message: string) => {
    for (const resolve of pending.values()) resolve({ ok: false, error: apiError('unavailable', message) });
    pending.clear();
  };

  const open = () => {
    if (disposed) return;
    setState('connecting');
    const ws = new WebSocketImpl(url);
    socket = ws;
    ws.onopen = () => {
      retryAttempt = 0;
      for (const event of listeners.keys()) send({ t: 'subscribe', event });
      setState('connected');
    };
    ws.onmessage = (message) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = ServerMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const body = parsed.data;
      if (body.t === 'result') {
        pending.get(body.id)?.(body.response);
        pending.delete(body.id);
      } else if (body.t === 'event') {
        for (const listener of listeners.get(body.event) ?? []) listener(body.payload);
      } else if (body.t === 'error') {
        console.warn(`Zhili host refused a message: ${body.error.message}`);
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      failPending('The connection to the Zhili host was lost.');
      setState('disconnected');
      if (event.code === SESSION_ENDED_CLOSE_CODE) for (const listener of endedListeners) listener();
      if (disposed) return;
      retryTimer = setTimeout(open, backoffDelay(RETRY_BACKOFF, retryAttempt));
      retryAttempt += 1;
    };
  };
  open();

  const reconnect = () => {
    if (disposed) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const previous = socket;
    // Forgotten first, so that its close is not taken for a lost connection.
    socket = null;
    failPending('The connection to the Zhili host was renewed.');
    if (previous) {
      previous.onmessage = null;
      // Closing a socket still connecting makes the browser log an error: let it open, then close it.
      if (previous.readyState === WebSocketImpl.CONNECTING) previous.onopen = () => previous.close();
      else previous.close();
    }
    retryAttempt = 0;
    open();
  };

  return {
    call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResponse<ApiResult<M>>> {
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve as (response: ApiResponse<unknown>) => void);
        if (!send({ t: 'call', id, method, params })) {
          pending.delete(id);
          resolve({ ok: false, error: apiError('unavailable', 'The Zhili host is not connected.') });
        }
      });
    },
    subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        send({ t: 'subscribe', event });
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => {
        const current = listeners.get(event);
        if (!current?.delete(wrapped) || current.size > 0) return;
        listeners.delete(event);
        send({ t: 'unsubscribe', event });
      };
    },
    linkState: () => state,
    onLinkState(listener) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    reconnect,
    onSessionEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      failPending('The Zhili client was closed.');
      socket?.close();
      socket = null;
    },
  };
}
