import { BrowserWindow, type Rectangle } from 'electron';
import type { Role } from '../../shared/domain/roles.js';
import { appUrl } from './app-url.js';

export interface RoleWindowOptions {
  role: Role;
  /** The wall screen index the window shows. */
  screen?: number;
  preloadPath: string;
  bounds?: Rectangle;
  fullscreen?: boolean;
}

/** One window showing one role. The renderer is untrusted: sandboxed, isolated, no Node, no webviews. */
export function createRoleWindow(options: RoleWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    ...(options.bounds ?? { width: 1600, height: 960 }),
    show: false,
    backgroundColor: '#0b1220',
    title: 'Zhili 智理',
    fullscreen: options.fullscreen ?? false,
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would otherwise open links in new windows, around the navigation guard.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl(options.role, options.screen));
  return window;
}
