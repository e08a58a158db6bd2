import { contextBridge, ipcRenderer } from 'electron';
import type { ApiEventName, ApiEventPayload, ApiMethodName, ApiParams, ApiResult, HostBridge } from '../shared/contract/api.js';
import { ipcChannels } from '../shared/contract/channels.js';
import type { ApiResponse } from '../shared/contract/errors.js';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(ipcChannels.event, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

/**
 * Exactly the host contract, nothing more: no ipcRenderer, no Node, no generic send. The main process parses every
 * payload again, so this object adds convenience, not trust.
 */
const bridge = {
  call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResponse<ApiResult<M>>> {
    return ipcRenderer.invoke(ipcChannels.call, method, params) as Promise<ApiResponse<ApiResult<M>>>;
  },
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      ipcRenderer.send(ipcChannels.subscribe, event);
    }
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => {
      const current = listeners.get(event);
      if (!current?.delete(wrapped) || current.size > 0) return;
      listeners.delete(event);
      ipcRenderer.send(ipcChannels.unsubscribe, event);
    };
  },
} satisfies HostBridge;

contextBridge.exposeInMainWorld('zhili', bridge);
