import { displaysWithScreens, nominalDisplays, type OsDisplay, type WallDisplay, type WallDisplays } from '../../../shared/wall/displays.js';
import type { WallConfig } from '../../../shared/wall/wall-config.js';

/** A display drawn in the settings picture: its box in CSS pixels inside the picture. */
export interface DrawnDisplay {
  display: WallDisplay;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The displays of the wall for a configuration being edited: the host's OS displays with the edited screens placed on
 * them (by the window manager's rule), or, where the host cannot see displays, one nominal display per edited screen,
 * sized like the screen of this browser when it knows it.
 */
export function displaysForDraft(answer: WallDisplays, draft: WallConfig, browserScreen: { width: number; height: number } | null): WallDisplay[] {
  if (answer.source === 'os') return displaysWithScreens(draft, answer.displays.map(withoutScreens));
  const nominal = nominalDisplays(draft);
  if (!browserScreen || browserScreen.width <= 0 || browserScreen.height <= 0) return nominal;
  return nominal.map((display, index) => ({ ...display, bounds: { x: index * browserScreen.width, y: 0, width: browserScreen.width, height: browserScreen.height } }));
}

function withoutScreens(display: WallDisplay): OsDisplay {
  return { id: display.id, label: display.label, bounds: display.bounds, primary: display.primary, scaleFactor: display.scaleFactor };
}

/** Scales the displays' arrangement (as the OS places them, gaps and offsets included) to fit the picture, keeping proportions. */
export function drawDisplays(displays: readonly WallDisplay[], picture: { width: number; height: number }): DrawnDisplay[] {
  if (displays.length === 0) return [];
  const minX = Math.min(...displays.map((display) => display.bounds.x));
  const minY = Math.min(...displays.map((display) => display.bounds.y));
  const maxX = Math.max(...displays.map((display) => display.bounds.x + display.bounds.width));
  const maxY = Math.max(...displays.map((display) => display.bounds.y + display.bounds.height));
  const scale = Math.min(picture.width / (maxX - minX), picture.height / (maxY - minY));
  return displays.map((display) => ({
    display,
    left: Math.round((display.bounds.x - minX) * scale),
    top: Math.round((display.bounds.y - minY) * scale),
    width: Math.round(display.bounds.width * scale),
    height: Math.round(display.bounds.height * scale),
  }));
}
