import { describe, expect, it } from 'vitest';
import type { ApiEventName } from '../../../shared/contract/api.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';
import { EventHub } from '../api/index.js';
import { WallState } from './wall-state.js';

function wallWithListener() {
  const hub = new EventHub();
  const clock = new ManualClock('2026-12-06T08:00:00.000Z');
  const heard: unknown[] = [];
  const connection = hub.connect((_event: ApiEventName, payload) => heard.push(payload), () => true);
  connection.subscribe('shared.changed');
  return { state: new WallState(hub, clock), clock, heard };
}

describe('WallState', () => {
  it('stamps a focus with the core clock and tells every window in one event', () => {
    const { state, clock, heard } = wallWithListener();
    clock.advance(90);
    const after = state.focus('INC-1', 'duty (map/abcd1234)');
    expect(after).toMatchObject({ focusedIncidentId: 'INC-1', focusedBy: 'duty (map/abcd1234)', focusedAt: '2026-12-06T08:01:30.000Z' });
    expect(heard).toEqual([after]);
  });

  it('moves the focus quietly when the change that follows (a run scene) carries it', () => {
    const { state, heard } = wallWithListener();
    state.moveFocus('INC-2', 'system');
    expect(heard).toEqual([]);
    state.select({ kind: 'crew', id: 'CR0001' });
    expect(heard).toEqual([expect.objectContaining({ focusedIncidentId: 'INC-2', selection: { kind: 'crew', id: 'CR0001' } })]);
  });
});
