import { screen, type BrowserWindow, type Display } from 'electron';
import type { WallConfig } from '../../shared/wall/wall-config.js';
import type { Logger } from '../../node/logger.js';
import { appUrl } from './app-url.js';
import { createRoleWindow } from './role-window.js';
import { diffWindows, planWindows, type DisplayInfo, type WindowPlacement } from './window-plan.js';

export interface WindowManagerOptions {
  preloadPath: string;
  wall(): WallConfig;
  saveWall(wall: WallConfig): void;
  logger: Logger;
}

const SAVE_DELAY_MS = 500;

/**
 * One window per configured screen of the wall, placed by `planWindows` and re-placed whenever displays are added,
 * removed or change. A windowed screen moved by hand is remembered (display and bounds) for the next start.
 */
export class WindowManager {
  private readonly open = new Map<number, { window: BrowserWindow; placement: WindowPlacement }>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly replan = () => this.apply();

  constructor(private readonly options: WindowManagerOptions) {}

  start(): void {
    this.apply();
    screen.on('display-added', this.replan);
    screen.on('display-removed', this.replan);
    screen.on('display-metrics-changed', this.replan);
  }

  focusFirst(): void {
    [...this.open.values()][0]?.window.focus();
  }

  dispose(): void {
    screen.off('display-added', this.replan);
    screen.off('display-removed', this.replan);
    screen.off('display-metrics-changed', this.replan);
    if (this.saveTimer) clearTimeout(this.saveTimer);
  }

  private apply(): void {
    const displays = screen.getAllDisplays().map((display) => displayInfo(display, screen.getPrimaryDisplay().id));
    const plan = planWindows(this.options.wall(), displays);
    const changes = diffWindows(
      [...this.open.values()].map((entry) => entry.placement),
      plan,
    );
    for (const screenIndex of changes.close) {
      this.open.get(screenIndex)?.window.close();
      this.open.delete(screenIndex);
    }
    for (const placement of changes.move) {
      const entry = this.open.get(placement.screen);
      if (!entry) continue;
      if (entry.placement.role !== placement.role) void entry.window.loadURL(appUrl(placement.role, placement.screen));
      entry.window.setFullScreen(false);
      entry.window.setBounds(placement.bounds);
      if (placement.fullscreen) entry.window.setFullScreen(true);
      entry.placement = placement;
    }
    for (const placement of changes.open) {
      const window = createRoleWindow({ role: placement.role, screen: placement.screen, preloadPath: this.options.preloadPath, bounds: placement.bounds, fullscreen: placement.fullscreen });
      this.open.set(placement.screen, { window, placement });
      const remember = () => this.remember(placement.screen);
      window.on('moved', remember);
      window.on('resized', remember);
      window.on('closed', () => this.open.delete(placement.screen));
    }
    if (changes.open.length + changes.move.length + changes.close.length > 0) {
      this.options.logger.info('wall windows placed', { displays: displays.length, open: changes.open.length, moved: changes.move.length, closed: changes.close.length });
    }
  }

  /** Saves where a windowed screen now is; a stand-in window on the primary display does not overwrite its home. */
  private remember(screenIndex: number): void {
    const entry = this.open.get(screenIndex);
    if (!entry || entry.placement.fullscreen || entry.placement.displaced || entry.window.isFullScreen()) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const bounds = entry.window.getBounds();
      const wall = this.options.wall();
      const screens = wall.screens.map((configured, index) =>
        index === screenIndex ? { ...configured, displayId: screen.getDisplayMatching(bounds).id, bounds } : configured,
      );
      this.options.saveWall({ ...wall, screens });
    }, SAVE_DELAY_MS);
  }
}

function displayInfo(display: Display, primaryId: number): DisplayInfo {
  return { id: display.id, bounds: display.bounds, workArea: display.workArea, primary: display.id === primaryId };
}
