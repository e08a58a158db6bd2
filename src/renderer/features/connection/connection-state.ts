import type { BackendStatus } from '../../../shared/domain/backend.js';
import type { HostLinkState } from '../../bridge/web-socket-bridge.js';

export interface ConnectionState {
  host: HostLinkState;
  backend: BackendStatus | null;
}

export const initialConnectionState: ConnectionState = { host: 'connecting', backend: null };

export function withHostLink(state: ConnectionState, host: HostLinkState): ConnectionState {
  if (state.host === host) return state;
  // While the host itself is unreachable, nothing it said about the backend is current any more.
  return { host, backend: host === 'connected' ? state.backend : null };
}

export function withBackendStatus(state: ConnectionState, backend: BackendStatus): ConnectionState {
  return { ...state, backend };
}

/** The one state the status bar shows for the backend, folding in the host link. */
export function effectiveBackendState(state: ConnectionState): BackendStatus['state'] {
  if (state.host !== 'connected') return 'disconnected';
  return state.backend?.state ?? 'connecting';
}
