import { describe, expect, it } from 'vitest';
import type { BackendStatus } from '../../../shared/domain/backend.js';
import { effectiveBackendState, initialConnectionState, withBackendStatus, withHostLink } from './connection-state.js';

const connected: BackendStatus = {
  state: 'connected',
  url: 'http://127.0.0.1:7420',
  embedded: true,
  since: '2026-11-27T00:00:00.000Z',
  lastError: null,
  serverVersion: '0.1.0',
  clockSkewSeconds: null,
};

describe('connection state', () => {
  it('shows the backend state reported by a connected host', () => {
    const state = withBackendStatus(withHostLink(initialConnectionState, 'connected'), connected);
    expect(effectiveBackendState(state)).toBe('connected');
  });

  it('shows the backend as disconnected while the host link is down, and forgets the stale status', () => {
    const state = withHostLink(withBackendStatus(withHostLink(initialConnectionState, 'connected'), connected), 'disconnected');
    expect(effectiveBackendState(state)).toBe('disconnected');
    expect(state.backend).toBeNull();
  });

  it('keeps the same object when nothing changes', () => {
    const state = withHostLink(initialConnectionState, 'connecting');
    expect(state).toBe(initialConnectionState);
  });
});
