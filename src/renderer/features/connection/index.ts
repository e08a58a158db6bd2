export { effectiveBackendState, initialConnectionState, withBackendStatus, withHostLink } from './connection-state.js';
export type { ConnectionState } from './connection-state.js';
export { ConnectionIndicator } from './ConnectionIndicator.js';
