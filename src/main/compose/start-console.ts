import { join } from 'node:path';
import { startBackend, type RunningBackend } from '../../backend/backend-server.js';
import { generateConsoleCredential } from '../../backend/consoles/index.js';
import { prepareDataDir } from '../../node/data-dir.js';
import { LOOPBACK_HOST, type HostConfig } from '../../node/host-config.js';
import { createFileLogger, type Logger } from '../../node/logger.js';
import { readPemFile } from '../../node/tls/index.js';
import type { OsDisplay } from '../../shared/wall/displays.js';
import { createConsoleCore, type ConsoleCore } from '../core/console-core.js';

export interface StartedConsole {
  core: ConsoleCore;
  logger: Logger;
  /** The in-process backend, when no backend URL was configured. */
  embeddedBackend: RunningBackend | null;
  /** Made on this start, the console having no users: the administrator, with the password to show once (null: from a file). */
  firstAdministrator: { username: string; password: string | null } | null;
  stop(): Promise<void>;
}

/**
 * The line that shows a generated first password once, for both hosts' standard output: the operator's terminal,
 * never the log file. Null when there is nothing to show (not a first start, or the password came from a file).
 */
export function firstPasswordNotice(admin: StartedConsole['firstAdministrator']): string | null {
  if (!admin?.password) return null;
  return `First start: the administrator is "${admin.username}" with the password ${admin.password} (shown this once; change it in Settings).`;
}

export interface StartConsoleOptions {
  config: HostConfig;
  host: 'electron' | 'web';
  appVersion: string;
  cityDir: string;
  /** The demo cameras' clips the embedded backend serves. */
  videoDir: string;
  plansDir: string;
  /** The OS's displays, where the host can see them (Electron). */
  displays?: () => OsDisplay[];
  echo?: (line: string) => void;
}

/**
 * Node-only composition shared by the Electron and web hosts: data folder, logs, the embedded backend when none is
 * configured, and the console core. Each host adds only its transport and windows on top.
 */
export async function startConsole(options: StartConsoleOptions): Promise<StartedConsole> {
  const { config } = options;
  prepareDataDir(config.dataDir);
  const logger = createFileLogger({
    directory: join(config.dataDir, 'logs'),
    name: options.host === 'web' ? 'web-host' : 'electron-host',
    ...(options.echo ? { echo: options.echo } : {}),
  });
  logger.info('starting', { version: options.appVersion, dataDir: config.dataDir, backendUrl: config.backendUrl });

  let embeddedBackend: RunningBackend | null = null;
  // The embedded backend admits this console alone: a credential made here, held in memory by both, never written or logged.
  const embeddedCredential = config.backendUrl === null ? generateConsoleCredential() : null;
  if (embeddedCredential !== null) {
    embeddedBackend = await startBackend({
      host: LOOPBACK_HOST,
      port: 0,
      dataDir: join(config.dataDir, 'backend'),
      cityDir: options.cityDir,
      videoDir: options.videoDir,
      camerasFile: config.camerasFile,
      inProcessConsoleCredential: embeddedCredential,
      appVersion: options.appVersion,
      logger: logger.child('embedded-backend'),
      sip: config.sip,
      demoPtzCameras: config.demoPtzCameras,
      mqtt: config.mqtt,
    });
  }
  const backendCredential = embeddedCredential ?? config.backendToken;
  try {
    const core = createConsoleCore({
      host: options.host,
      appVersion: options.appVersion,
      dataDir: config.dataDir,
      cityDir: options.cityDir,
      plansDir: options.plansDir,
      basemap: config.basemap,
      backend: {
        url: embeddedBackend?.url ?? (config.backendUrl as string),
        embedded: embeddedBackend !== null,
        sipServer: embeddedBackend?.sipServer ?? null,
        ...(backendCredential !== null ? { credential: backendCredential } : {}),
        ...(config.backendCaFile ? { ca: readPemFile(config.backendCaFile, '--backend-ca-file') } : {}),
      },
      ...(options.displays ? { displays: options.displays } : {}),
      logger,
    });
    let firstAdministrator: StartedConsole['firstAdministrator'];
    try {
      firstAdministrator = await core.identity.bootstrap(config.adminPassword);
    } catch (error) {
      core.dispose();
      throw error;
    }
    return {
      core,
      logger,
      embeddedBackend,
      firstAdministrator,
      async stop() {
        core.dispose();
        await embeddedBackend?.close();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await embeddedBackend?.close();
    throw error;
  }
}
