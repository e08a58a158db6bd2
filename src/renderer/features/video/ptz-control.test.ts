import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiMethodName, HostBridge } from '../../../shared/contract/api.js';
import { PTZ_MOVE_RENEW_MS, type PtzRequest } from '../../../shared/media/ptz.js';
import { PtzControl, type PtzControlState } from './ptz-control.js';

/** A host that records the PTZ commands it is sent and answers as the backend would (or fails when told to). */
function recordingHost() {
  const sent: PtzRequest['command'][] = [];
  let failWith: string | null = null;
  const bridge: HostBridge = {
    call: async (method: ApiMethodName, params: unknown) => {
      if (method !== 'cameras.ptz') throw new Error(`unexpected ${method}`);
      sent.push((params as PtzRequest).command);
      if (failWith) return { ok: false, error: { code: 'unavailable', message: failWith } };
      return { ok: true, value: { position: { pan: sent.length / 10, tilt: 0.5, zoom: 1 } } };
    },
    subscribe: () => () => undefined,
  } as HostBridge;
  return { bridge, sent, fail: (message: string | null) => (failWith = message) };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('PtzControl', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a held move again within the lease, and one stop when it is let go', async () => {
    const host = recordingHost();
    const states: PtzControlState[] = [];
    const control = new PtzControl(host.bridge, 'CM000001', (state) => states.push(state));
    control.move({ pan: 1, tilt: 0, zoom: 0 });
    control.move({ pan: 1, tilt: 0, zoom: 0 });
    await flush();
    expect(host.sent).toEqual([{ kind: 'move', pan: 1, tilt: 0, zoom: 0 }]);
    await vi.advanceTimersByTimeAsync(PTZ_MOVE_RENEW_MS * 2);
    expect(host.sent).toHaveLength(3);
    control.stop();
    control.stop();
    await vi.advanceTimersByTimeAsync(PTZ_MOVE_RENEW_MS * 3);
    expect(host.sent.slice(3)).toEqual([{ kind: 'stop' }]);
    expect(states.at(-1)).toMatchObject({ moving: null, position: { pan: 0.4 }, problem: null });
  });

  it('stops a move when the tile goes away, and says nothing after', async () => {
    const host = recordingHost();
    const onChange = vi.fn();
    const control = new PtzControl(host.bridge, 'CM000001', onChange);
    control.move({ pan: 0, tilt: -1, zoom: 0 });
    await flush();
    const calls = onChange.mock.calls.length;
    control.dispose();
    await vi.advanceTimersByTimeAsync(PTZ_MOVE_RENEW_MS * 3);
    expect(host.sent).toEqual([{ kind: 'move', pan: 0, tilt: -1, zoom: 0 }, { kind: 'stop' }]);
    expect(onChange.mock.calls.length).toBe(calls);
  });

  it('lets a move go when the backend refuses it, and says why', async () => {
    const host = recordingHost();
    const states: PtzControlState[] = [];
    const control = new PtzControl(host.bridge, 'CM000001', (state) => states.push(state));
    host.fail('Camera CM000001 has no PTZ head this backend can drive.');
    control.move({ pan: 0, tilt: 0, zoom: 1 });
    await vi.advanceTimersByTimeAsync(PTZ_MOVE_RENEW_MS * 3);
    expect(host.sent).toHaveLength(1);
    expect(states.at(-1)).toMatchObject({ moving: null, problem: 'Camera CM000001 has no PTZ head this backend can drive.' });
    host.fail(null);
    control.home();
    await flush();
    expect(host.sent.at(-1)).toEqual({ kind: 'home' });
    expect(states.at(-1)?.problem).toBeNull();
  });

  it('keeps at most one command waiting behind a slow camera, so a stop follows the move at once, and an old failure does not end a newer move', async () => {
    const answers: ((failure: string | null) => void)[] = [];
    const sent: PtzRequest['command'][] = [];
    const slowBridge = {
      call: (_method: ApiMethodName, params: unknown) =>
        new Promise((resolve) => {
          sent.push((params as PtzRequest).command);
          answers.push((failure) =>
            resolve(failure ? { ok: false, error: { code: 'unavailable', message: failure } } : { ok: true, value: { position: null } }),
          );
        }),
      subscribe: () => () => undefined,
    } as unknown as HostBridge;
    const states: PtzControlState[] = [];
    const control = new PtzControl(slowBridge, 'CM000001', (state) => states.push(state));
    control.move({ pan: 1, tilt: 0, zoom: 0 });
    await vi.advanceTimersByTimeAsync(PTZ_MOVE_RENEW_MS * 5);
    // The first move is still out: the renewals wait as one.
    expect(sent).toHaveLength(1);
    control.stop();
    answers.shift()?.(null);
    await flush();
    expect(sent).toEqual([{ kind: 'move', pan: 1, tilt: 0, zoom: 0 }, { kind: 'stop' }]);
    answers.shift()?.(null);
    await flush();

    control.move({ pan: -1, tilt: 0, zoom: 0 });
    await flush();
    control.move({ pan: 0, tilt: 1, zoom: 0 });
    // The first of these fails late: the move held now is not let go for it.
    answers.shift()?.('timed out');
    await flush();
    expect(states.at(-1)).toMatchObject({ moving: { pan: 0, tilt: 1 }, problem: null });
    answers.shift()?.(null);
    await flush();
    control.dispose();
  });
});

