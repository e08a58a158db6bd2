import { describe, expect, it } from 'vitest';
import type { ApiEventName, ApiMethodName, HostBridge } from '../../../shared/contract/api.js';
import type { ApiResponse } from '../../../shared/contract/errors.js';
import type { Principal } from '../../../shared/identity/principal.js';
import { signedInUser } from '../../../../test/fixtures/principals.js';
import type { HostConnection } from '../../bridge/host.js';
import type { HostLinkState } from '../../bridge/web-socket-bridge.js';
import { perCredential, SessionModel } from './session-model.js';

const user: Principal = signedInUser();

/** A host whose answers the test releases by hand, in the order it chooses. */
function fakeHost() {
  const linkListeners = new Set<(state: HostLinkState) => void>();
  const ended = new Set<() => void>();
  const events = new Map<string, (payload: unknown) => void>();
  const answers: { method: ApiMethodName; resolve: (response: ApiResponse<unknown>) => void }[] = [];
  let signIn: ((response: ApiResponse<Principal>) => void) | null = null;
  const bridge: HostBridge = {
    call: (method) => new Promise((resolve) => answers.push({ method, resolve: resolve as (response: ApiResponse<unknown>) => void })),
    subscribe: (event: ApiEventName, listener) => {
      events.set(event, listener as (payload: unknown) => void);
      return () => events.delete(event);
    },
  };
  const host: HostConnection = {
    bridge,
    kind: 'web',
    linkState: () => 'connecting',
    onLinkState: (listener) => {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    signIn: () => new Promise((resolve) => (signIn = resolve)),
    redeem: () => Promise.resolve({ ok: false, error: { code: 'unauthorized', message: 'used' } }),
    signOut: () => Promise.resolve({ ok: true, value: { kind: 'anonymous' } }),
    onSessionEnded: (listener) => {
      ended.add(listener);
      return () => ended.delete(listener);
    },
  };
  // One macrotask turn: every promise callback the fake's answer queued has run. It orders, it does not wait on time.
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    host,
    connect: () => linkListeners.forEach((listener) => listener('connected')),
    answer: (value: Principal) => answers.shift()?.resolve({ ok: true, value }),
    finishSignIn: (value: Principal) => signIn?.({ ok: true, value }),
    push: (event: ApiEventName, payload: unknown) => events.get(event)?.(payload),
    end: () => ended.forEach((listener) => listener()),
    flush,
  };
}

describe('session model', () => {
  it('asks who the page is at each connect, follows session.changed, and is nobody once the host ends the credential', async () => {
    const fake = fakeHost();
    const session = new SessionModel(fake.host);
    expect(session.principal()).toBeNull();
    fake.connect();
    fake.answer(user);
    await fake.flush();
    expect(session.principal()).toEqual(user);
    fake.push('session.changed', { ...user, locked: true });
    expect(session.principal()).toMatchObject({ locked: true });
    fake.end();
    expect(session.principal()).toEqual({ kind: 'anonymous' });
    session.dispose();
  });

  it('drops an answer asked before a sign-in finished', async () => {
    const fake = fakeHost();
    const session = new SessionModel(fake.host);
    fake.connect();
    const signingIn = session.signIn('wang', 'password');
    fake.finishSignIn(user);
    await signingIn;
    // The question asked on the old, anonymous socket comes back last.
    fake.answer({ kind: 'anonymous' });
    await fake.flush();
    expect(session.principal()).toEqual(user);
    session.dispose();
  });

  it('makes one object per credential that sees the wall, and disposes it when the credential goes', async () => {
    const fake = fakeHost();
    const session = new SessionModel(fake.host);
    const made: { disposed: boolean; dispose(): void }[] = [];
    const models = perCredential(session, () => {
      const model = { disposed: false, dispose: () => (model.disposed = true) };
      made.push(model);
      return model;
    });
    expect(models.current.get()).toBeNull();
    fake.connect();
    fake.answer(user);
    await fake.flush();
    expect(made).toHaveLength(1);
    fake.push('session.changed', { ...user, locked: true });
    expect(made).toHaveLength(1);
    fake.push('session.changed', { kind: 'crew', crewId: 'CR0001', credentialId: 'CD0000000000aa', label: 'x' });
    expect(made[0]?.disposed).toBe(true);
    expect(models.current.get()).toBeNull();
    fake.push('session.changed', { kind: 'screen', credentialId: 'CD0000000000bb', label: 'Wall' });
    expect(made).toHaveLength(2);
    models.dispose();
    expect(made[1]?.disposed).toBe(true);
    session.dispose();
  });
});
