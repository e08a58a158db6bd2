import { DEFAULT_SCREEN_KEY, ScreenKeySchema } from '../../../shared/wall/window-state.js';

/** Which screen of the wall this window is: `?screen=` (kiosk URLs, and the Electron host's windows), else the default. */
export type WindowScreen = { ok: true; key: string } | { ok: false; value: string };

export function windowScreenOf(search: string): WindowScreen {
  const value = new URLSearchParams(search).get('screen');
  if (value === null) return { ok: true, key: DEFAULT_SCREEN_KEY };
  return ScreenKeySchema.safeParse(value).success ? { ok: true, key: value } : { ok: false, value };
}
