import { app, session } from 'electron';
import { isAppUrl } from '../windows/app-url.js';

/** Permissions a console page may ask for: microphone/camera for dispatch calls, full screen for wall windows. */
const grantedPermissions = new Set(['media', 'fullscreen']);

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
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isAppUrl(contents.getURL()) && grantedPermissions.has(permission));
  });
  session.defaultSession.setPermissionCheckHandler((contents, permission) => {
    return contents !== null && isAppUrl(contents.getURL()) && grantedPermissions.has(permission);
  });
}
