import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../shared/identity/principal.js';
import type { IntentState } from './actions.js';
import { OperatorIntents } from './intents.js';
import type { KeyPress } from './shortcuts.js';

/** The few model methods the shell's actions call, recorded. */
class RecordingModel {
  readonly calls: string[] = [];
  toggleOverlay(overlay: string) {
    if (overlay === 'about' && this.failAbout) throw new Error('the about dialog failed');
    this.calls.push(`toggle ${overlay}`);
  }
  failAbout = false;
  closeOverlay() {
    this.calls.push('close');
  }
  toggleMapPanel(panel: string) {
    this.calls.push(`panel ${panel}`);
  }
}

function setUp(window: Partial<Omit<IntentState, 'provided'>> = {}) {
  const model = new RecordingModel();
  const notices: string[] = [];
  const principal: Principal = { kind: 'screen', credentialId: 'CD000000000002', label: 'wall' };
  const intents = new OperatorIntents({
    state: () => ({ principal, screen: 'map', overlayOpen: false, alarmsWaiting: 0, ...window }),
    language: () => 'en',
    report: (text) => notices.push(text),
    model,
  });
  return { model, notices, intents };
}

function press(key: string, code: string, more: Partial<KeyPress> = {}): KeyPress & { prevented: boolean } {
  const event = {
    key,
    code,
    altKey: false,
    ctrlKey: false,
    shiftKey: false,
    metaKey: false,
    repeat: false,
    target: { tagName: 'BODY' },
    defaultPrevented: false,
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
    ...more,
  };
  return event;
}

/** Lets the dispatcher's promise of the action's outcome settle. */
const settled = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => new Promise<void>((resolve) => setImmediate(resolve)));

describe('the keyboard dispatcher', () => {
  it('runs the registered action of a shortcut once, and leaves other keys alone', () => {
    const { model, intents } = setUp();
    const f1 = press('F1', 'F1');
    intents.keyDown(f1);
    const c = press('c', 'KeyC', { altKey: true });
    intents.keyDown(c);
    const x = press('x', 'KeyX');
    intents.keyDown(x);
    expect(model.calls).toEqual(['toggle help', 'panel catalogue']);
    expect([f1.prevented, c.prevented, x.prevented]).toEqual([true, true, false]);
  });

  it('ignores keys typed into a field, keys a view already handled, and repeats', () => {
    const { model, intents } = setUp();
    intents.keyDown(press('F1', 'F1', { target: { tagName: 'INPUT' } }));
    intents.keyDown(press('F1', 'F1', { target: { tagName: 'DIV', isContentEditable: true } }));
    intents.keyDown(press('F1', 'F1', { defaultPrevented: true }));
    intents.keyDown(press('F1', 'F1', { repeat: true }));
    expect(model.calls).toEqual([]);
  });

  it('still runs keys while a checkbox has the focus (a layer just ticked off), not a text field', () => {
    const { model, intents } = setUp();
    intents.keyDown(press('F1', 'F1', { target: { tagName: 'INPUT', type: 'checkbox' } }));
    intents.keyDown(press('F1', 'F1', { target: { tagName: 'INPUT', type: 'search' } }));
    expect(model.calls).toEqual(['toggle help']);
  });

  it('gives a shared key to the first available action only (Esc closes the dialog, not also the panel)', () => {
    const { model, intents } = setUp({ overlayOpen: true });
    const closed: string[] = [];
    intents.provide('map.closeDetail', () => closed.push('detail'));
    intents.keyDown(press('Escape', 'Escape'));
    expect(model.calls).toEqual(['close']);
    expect(closed).toEqual([]);
  });

  it('does not run an action the window may not use, and says why in its notices', () => {
    const { model, notices, intents } = setUp();
    const language = press('l', 'KeyL', { altKey: true });
    intents.keyDown(language);
    expect(language.prevented).toBe(true);
    expect(notices).toEqual(['Switch language: a wall screen only views']);
    // A key that means nothing on this screen is simply not an action here, silently.
    intents.keyDown(press('Escape', 'Escape'));
    expect(notices).toHaveLength(1);
    expect(model.calls).toEqual([]);
  });

  it('holds a held action until its key goes up, and stops offering it once its view withdraws it', async () => {
    const { intents } = setUp();
    const moves: string[] = [];
    const withdraw = intents.provide('ptz.zoomIn', () => {
      moves.push('zoom');
      return () => moves.push('stop');
    });
    intents.keyDown(press('+', 'Equal', { shiftKey: true }));
    await settled();
    intents.keyDown(press('+', 'Equal', { shiftKey: true, repeat: true }));
    expect(moves).toEqual(['zoom']);
    intents.keyUp({ code: 'Equal' });
    expect(moves).toEqual(['zoom', 'stop']);
    withdraw();
    intents.keyDown(press('+', 'Equal', { shiftKey: true }));
    await settled();
    expect(moves).toEqual(['zoom', 'stop']);
  });

  it('runs a view’s action through the same checks, with the reason as its answer', async () => {
    const { notices, intents } = setUp();
    expect(await intents.run('wall.playCamera', { cameraId: 'CM000001' })).toBe('a wall screen only views');
    expect(notices).toEqual(['Play a camera on the video wall: a wall screen only views']);
  });

  it('says in the notices what a view’s action met when it throws, instead of rejecting', async () => {
    const { model, notices, intents } = setUp();
    model.failAbout = true;
    await expect(intents.run('about.toggle')).resolves.toBe('the about dialog failed');
    expect(notices).toEqual(['About and data sources: the about dialog failed']);
  });
});
