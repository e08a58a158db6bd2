import { app, session } from 'electron';
import { isAppUrl } from '../windows/app-url.js';
import { windowMayHave } from '../windows/window-permissions.js';

/**
 * App-wide guards from Electron's security checklist: no navigation away from the app, no windows opened by pages
 * (a console has no business opening the web), no webviews, and only the permissions a console needs.
 */
export function hardenContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  // By the window's role: microphone and camera for the dispatch window only (window-permissions.ts).
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(windowMayHave(contents.getURL(), permission));
  });
  session.defaultSession.setPermissionCheckHandler((contents, permission) => {
    return contents !== null && windowMayHave(contents.getURL(), permission);
  });
}
