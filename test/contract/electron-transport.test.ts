import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { ApiEventName, HostBridge } from '../../src/shared/contract/api.js';
import { repoRoot } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { TEST_ADMIN_PASSWORD, signInBridge } from '../helpers/identity.js';
import { hostContractSuite } from './host-contract.js';

declare global {
  interface Window {
    /** The preload's bridge (declared for the renderer in src/renderer/bridge/host.ts). */
    zhili?: HostBridge;
  }
}

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (!electron) {
  console.warn('Electron is not installed here (its binary cannot be downloaded): the Electron transport of the host contract suite is SKIPPED.');
}

/** Drives `window.zhili` (the preload's bridge) in a real Electron window through Playwright. */
function pageBridge(page: Page): HostBridge {
  let nextListener = 0;
  return {
    // The arguments cross as plain JSON; typing them as the union of every method's params is too deep for tsc.
    call: (method, params) => page.evaluate(([m, p]) => window.zhili?.call(m as never, p as never), [method as string, params as unknown] as [string, unknown]) as never,
    subscribe(event: ApiEventName, listener: (payload: never) => void) {
      const name = `zhiliListener${nextListener++}`;
      void page.exposeFunction(name, listener).then(() =>
        page.evaluate(([e, n]) => {
          const target = window as unknown as Record<string, (payload: unknown) => void>;
          (target as unknown as Record<string, () => void>)[`${n}Off`] = window.zhili?.subscribe(e as ApiEventName, (payload: unknown) => target[n]?.(payload)) ?? (() => undefined);
        }, [event, name] as const),
      );
      return () => void page.evaluate((n) => (window as unknown as Record<string, () => void>)[`${n}Off`]?.(), name);
    },
  };
}

// Runs only where Electron is installed; the warning above says so plainly when it is not.
describe.skipIf(!electron)('host contract over Electron IPC', () => {
  let app: ElectronApplication;
  let pages: Page[] = [];

  beforeAll(async () => {
    app = await _electron.launch({
      executablePath: electron as string,
      args: [repoRoot, '--data-dir', join(repoRoot, '.tmp', 'electron-contract'), '--city-dir', testCityDir(), '--sip-server', 'none', '--demo-ptz-cameras', '0'],
      env: { ...process.env, ZHILI_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD },
    });
    const first = await app.firstWindow();
    await first.waitForFunction(() => window.zhili !== undefined);
    await app.evaluate(({ BrowserWindow }) => {
      const second = new BrowserWindow({ show: false, webPreferences: BrowserWindow.getAllWindows()[0]?.webContents.getLastWebPreferences() ?? {} });
      return second.loadURL('app://zhili/dispatch');
    });
    pages = app.windows();
    for (const page of pages) await signInBridge(pageBridge(page));
  });

  afterAll(async () => {
    await app?.close();
  });

  hostContractSuite(() => ({ first: pageBridge(pages[0] as Page), second: pageBridge(pages[1] as Page) }));
});
