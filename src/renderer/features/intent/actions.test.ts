import { describe, expect, it } from 'vitest';
import type { OperatorRole } from '../../../shared/identity/operator-roles.js';
import type { Principal } from '../../../shared/identity/principal.js';
import { actionList, actions, type IntentState } from './actions.js';

const user = (roles: OperatorRole[], locked = false): Principal => ({
  kind: 'user',
  userId: 'US000000000001',
  username: 'duty',
  displayName: 'duty',
  roles,
  credentialId: 'CD000000000001',
  locked,
  expiresAt: '2026-11-28T00:00:00.000Z',
});
const screen: Principal = { kind: 'screen', credentialId: 'CD000000000002', label: 'left wall' };
const state = (patch: Partial<IntentState> = {}): IntentState => ({
  principal: user(['duty-operator']),
  screen: 'map',
  overlayOpen: false,
  alarmsWaiting: 0,
  provided: new Set(),
  ...patch,
});

describe('the operator action registry', () => {
  it('names every action, the shell’s nine shortcuts among them', () => {
    const keys = actionList().flatMap(({ action }) => action.shortcuts);
    expect(keys).toEqual(expect.arrayContaining(['Alt+1', 'Alt+2', 'Alt+3', 'Alt+4', 'Alt+L', 'Alt+K', 'Alt+C', 'Alt+H', 'Alt+S', 'Alt+I', 'F1', 'Escape']));
    for (const { action } of actionList()) expect(action.name.key).toMatch(/\S/);
  });

  it('lets one action at most take a key in any one state (Esc: the dialog, else the detail panel, else the tile)', () => {
    const states = [
      state(),
      state({ overlayOpen: true, provided: new Set(['map.closeDetail']) }),
      state({ screen: 'video', provided: new Set(['video.backToGrid', 'ptz.up', 'ptz.zoomIn']) }),
      state({ screen: 'video', alarmsWaiting: 1 }),
    ];
    for (const current of states) {
      const available = new Map<string, string[]>();
      for (const { id, action } of actionList()) {
        if (action.availability(current) !== null) continue;
        for (const key of action.shortcuts) available.set(key, [...(available.get(key) ?? []), id]);
      }
      // Several available under one key: the dispatcher runs the first, so the order must say which (only Esc does).
      for (const [key, ids] of available) if (ids.length > 1) expect({ key, ids: ids.slice(0, 1) }).toEqual({ key: 'Escape', ids: ['overlay.close'] });
    }
  });

  it('reads the host’s access table: why a command is not for this window', () => {
    expect(actions['crew.call'].availability(state())).toBeNull();
    expect(actions['wall.playCamera'].availability(state({ principal: screen }))).toEqual({ reason: 'intent.why.viewOnly', context: false });
    expect(actions['incident.focus'].availability(state({ principal: user(['commander'], true) }))).toEqual({ reason: 'intent.why.locked', context: false });
    expect(actions['scene.apply'].availability(state({ principal: user(['drill-director']) }))).toEqual({ reason: 'intent.why.role', context: false });
    expect(actions['plan.launch'].availability(state({ principal: null }))).toEqual({ reason: 'intent.why.signedOut', context: false });
    // Viewing is all a wall screen does: help and screens stay available to it.
    expect(actions['help.toggle'].availability(state({ principal: screen }))).toBeNull();
    expect(actions['screen.video'].availability(state({ principal: screen }))).toBeNull();
  });

  it('offers view actions only where they mean something', () => {
    expect(actions['alarm.acknowledge'].availability(state({ screen: 'video' }))).toEqual({ reason: 'intent.why.noAlarm', context: true });
    expect(actions['alarm.acknowledge'].availability(state({ screen: 'map', alarmsWaiting: 1 }))).toEqual({ reason: 'intent.why.notHere', context: true });
    expect(actions['alarm.acknowledge'].availability(state({ screen: 'video', alarmsWaiting: 1 }))).toBeNull();
    expect(actions['map.catalogue'].availability(state({ screen: 'plans' }))?.context).toBe(true);
    expect(actions['ptz.up'].availability(state({ screen: 'video' }))?.reason).toBe('intent.why.notHere');
    expect(actions['ptz.up'].availability(state({ screen: 'video', provided: new Set(['ptz.up']) }))).toBeNull();
  });
});
