import { app, dialog, ipcMain, safeStorage } from 'electron';
import { join } from 'node:path';
import { APP_VERSION } from '../shared/app-version.js';
import { DEFAULT_WEB_PORT, parseHostConfig } from '../node/host-config.js';
import { installLastResortHandlers } from '../node/health.js';
import { StartupError } from '../node/startup-error.js';
import { firstPasswordNotice, startConsole, type StartedConsole } from './compose/start-console.js';
import { registerApiIpc } from './ipc/register-api.js';
import { registerAppScheme, serveRenderer } from './platform/app-protocol.js';
import { osDisplays } from './platform/displays.js';
import { hardenContents } from './platform/harden.js';
import { keyringSessionVault } from './platform/session-vault.js';
import { contentSecurityPolicy } from '../shared/security/content-security-policy.js';
import { WindowManager } from './windows/window-manager.js';

// Electron composition root: ports, core, IPC and windows are wired here and nowhere else.
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let started: StartedConsole | null = null;
  let unregisterIpc: (() => void) | null = null;
  let windows: WindowManager | null = null;

  const appRoot = app.getAppPath();
  const preloadPath = join(__dirname, '..', 'preload', 'index.cjs');
  const rendererDir = join(appRoot, 'out', 'renderer');
  const cityDir = app.isPackaged ? join(process.resourcesPath, 'city') : join(appRoot, 'resources', 'city', 'generated');
  const plansDir = app.isPackaged ? join(process.resourcesPath, 'plans') : join(appRoot, 'plans');

  app.on('second-instance', () => windows?.focusFirst());

  app
    .whenReady()
    .then(async () => {
      const config = parseHostConfig({
        argv: process.argv.slice(app.isPackaged ? 1 : 2),
        env: process.env,
        defaultPort: DEFAULT_WEB_PORT,
        defaultDataDir: app.getPath('userData'),
        allowUnknown: true,
      });
      hardenContents();
      // Windows open only once the core has started, so no page asks for a city file before there is a core to answer.
      serveRenderer(
        rendererDir,
        (path) => started?.core.cityFilePath(path) ?? null,
        () => started?.core.contentSecurityPolicy() ?? contentSecurityPolicy(),
      );
      started = await startConsole({
        config,
        host: 'electron',
        appVersion: APP_VERSION,
        cityDir: config.cityDir ?? cityDir,
        videoDir: app.isPackaged ? join(process.resourcesPath, 'video') : join(appRoot, 'resources', 'video', 'demo'),
        plansDir: config.plansDir ?? plansDir,
        displays: osDisplays,
      });
      installLastResortHandlers(started.logger.child('last-resort'));
      // On the terminal that started the app only, never in the log file, as the web host does: the app signs itself in
      // (see registerApiIpc), but unlocking a locked screen or signing in after a sign-out asks for this password.
      const notice = firstPasswordNotice(started.firstAdministrator);
      if (notice !== null) console.log(notice);
      const vault = keyringSessionVault(join(config.dataDir, 'app-session'), safeStorage, started.logger.child('session-vault'));
      unregisterIpc = registerApiIpc(ipcMain, started.core, started.logger.child('ipc'), vault, started.firstAdministrator !== null);
      const core = started.core;
      windows = new WindowManager({
        preloadPath,
        wall: () => core.settings().wall,
        saveWall: (wall) => core.updateSettings({ wall }),
        logger: started.logger.child('windows'),
      });
      windows.start();
    })
    .catch((error: unknown) => {
      const message = error instanceof StartupError ? error.message : `Unexpected error: ${String(error)}`;
      dialog.showErrorBox('Zhili 智理 could not start', message);
      app.exit(1);
    });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!started) return;
    event.preventDefault();
    const stopping = started;
    started = null;
    windows?.dispose();
    unregisterIpc?.();
    void stopping.stop().finally(() => app.exit(0));
  });
}
