import type { Rect, WallConfig } from '../../shared/wall/wall-config.js';
import type { Role } from '../../shared/domain/roles.js';

/** A display as the OS reports it (Electron's `screen.getAllDisplays()`, reduced to what placement needs). */
export interface DisplayInfo {
  id: number;
  bounds: Rect;
  workArea: Rect;
  primary: boolean;
}

/** Where one screen of the wall goes now. */
export interface WindowPlacement {
  /** The screen's index in the wall configuration: the window's identity across re-plans. */
  screen: number;
  role: Role;
  displayId: number;
  bounds: Rect;
  fullscreen: boolean;
  /** True while the configured display is absent and the window stands in on the primary one. */
  displaced: boolean;
}

const DEFAULT_SIZE = { width: 1600, height: 960 };

/**
 * Places every configured screen on the displays present: its own display when it is there, else the primary one
 * (nothing is dropped when a display goes away, and the window goes back when it returns). Windowed screens keep their
 * saved size, moved inside the display's work area; full-screen ones take the whole display. Pure, so the placement
 * rules are tested with display lists rather than real monitors.
 */
export function planWindows(config: WallConfig, displays: readonly DisplayInfo[]): WindowPlacement[] {
  const primary = displays.find((display) => display.primary) ?? displays[0];
  if (!primary) return [];
  return config.screens.map((screen, index) => {
    const own = screen.displayId === null ? undefined : displays.find((display) => display.id === screen.displayId);
    const display = own ?? primary;
    return {
      screen: index,
      role: screen.role,
      displayId: display.id,
      bounds: screen.fullscreen ? display.bounds : fitInto(screen.bounds, display, own !== undefined),
      fullscreen: screen.fullscreen,
      displaced: screen.displayId !== null && own === undefined,
    };
  });
}

/** What to do to go from the windows open now to a new plan. */
export interface WindowChanges {
  open: WindowPlacement[];
  move: WindowPlacement[];
  close: number[];
}

export function diffWindows(current: readonly WindowPlacement[], next: readonly WindowPlacement[]): WindowChanges {
  const now = new Map(current.map((placement) => [placement.screen, placement]));
  const wanted = new Set(next.map((placement) => placement.screen));
  return {
    open: next.filter((placement) => !now.has(placement.screen)),
    move: next.filter((placement) => {
      const was = now.get(placement.screen);
      return was !== undefined && (was.role !== placement.role || was.displayId !== placement.displayId || was.fullscreen !== placement.fullscreen || !sameRect(was.bounds, placement.bounds));
    }),
    close: current.filter((placement) => !wanted.has(placement.screen)).map((placement) => placement.screen),
  };
}

/** Saved bounds are kept where they fit; a window that would fall off its display is brought back inside. */
function fitInto(saved: Rect | null, display: DisplayInfo, onOwnDisplay: boolean): Rect {
  const area = display.workArea;
  const width = Math.min(saved?.width ?? DEFAULT_SIZE.width, area.width);
  const height = Math.min(saved?.height ?? DEFAULT_SIZE.height, area.height);
  if (saved && onOwnDisplay) {
    return {
      x: clamp(saved.x, area.x, area.x + area.width - width),
      y: clamp(saved.y, area.y, area.y + area.height - height),
      width,
      height,
    };
  }
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
