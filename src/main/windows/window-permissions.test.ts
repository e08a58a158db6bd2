import { describe, expect, it } from 'vitest';
import { windowMayHave } from './window-permissions.js';

describe('window permissions by role', () => {
  it('grants the microphone and camera to the dispatch window only', () => {
    expect(windowMayHave('app://zhili/dispatch', 'media')).toBe(true);
    expect(windowMayHave('app://zhili/dispatch?screen=2', 'media')).toBe(true);
    for (const role of ['map', 'video', 'plans', '']) expect(windowMayHave(`app://zhili/${role}`, 'media')).toBe(false);
    expect(windowMayHave('app://zhili/tour?roles=map,dispatch', 'media')).toBe(true);
    expect(windowMayHave('app://zhili/tour?roles=map,video', 'media')).toBe(false);
    expect(windowMayHave('app://zhili/tour?roles=nonsense', 'media')).toBe(false);
  });

  it('lets every app window go full screen, and grants nothing else or to any other origin', () => {
    expect(windowMayHave('app://zhili/map', 'fullscreen')).toBe(true);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'midi']) expect(windowMayHave('app://zhili/dispatch', permission)).toBe(false);
    expect(windowMayHave('https://evil.example/dispatch', 'media')).toBe(false);
    expect(windowMayHave('app://other/dispatch', 'fullscreen')).toBe(false);
  });
});
