import { join } from 'node:path';
import type { HostInfo } from '../../shared/domain/host.js';
import type { Logger } from '../../node/logger.js';
import { openDatabase } from '../../node/sqlite.js';
import { createApiDispatch, type ApiDispatch, type ApiHandlers } from './api/dispatcher.js';
import { EventHub } from './api/event-hub.js';
import { BackendLink } from './backend-link/backend-link.js';
import { CityFiles } from './city/city-files.js';
import { consoleMigrations } from './db/console-migrations.js';
import { SettingsRepository, consoleIdentity } from './settings/settings-repository.js';

export interface ConsoleCoreOptions {
  host: HostInfo['host'];
  appVersion: string;
  dataDir: string;
  /** The built demo city (or a customer's city data in the same format). */
  cityDir: string;
  backend: { url: string; embedded: boolean; token?: string };
  logger: Logger;
}

/** The console's services, identical under both hosts; each host only adds its transport and its windows. */
export interface ConsoleCore {
  readonly dispatch: ApiDispatch;
  readonly hub: EventHub;
  readonly backend: BackendLink;
  readonly info: HostInfo;
  dispose(): void;
}

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const { logger } = options;
  const db = openDatabase({ file: join(options.dataDir, 'console.sqlite'), migrations: consoleMigrations, logger });
  const settings = new SettingsRepository(db);
  const hub = new EventHub();
  const city = new CityFiles(options.cityDir, logger.child('city'));
  const info: HostInfo = {
    appVersion: options.appVersion,
    host: options.host,
    startedAt: new Date().toISOString(),
    consoleId: consoleIdentity(db),
  };
  const backend = new BackendLink({
    url: options.backend.url,
    embedded: options.backend.embedded,
    ...(options.backend.token ? { token: options.backend.token } : {}),
    consoleId: info.consoleId,
    appVersion: options.appVersion,
    hub,
    logger: logger.child('backend-link'),
  });

  const handlers: ApiHandlers = {
    'host.info': () => info,
    'backend.status': () => backend.getStatus(),
    'settings.get': () => settings.read(),
    'settings.update': (patch, origin) => {
      const next = settings.update(patch);
      logger.info('settings changed', { patch, origin });
      hub.emit('settings.changed', next);
      return next;
    },
    'city.basemap': () => city.basemap(),
    'city.about': () => city.about(),
    'directory.crews': (query) => backend.crews(query),
    'feed.summary': () => backend.getSummary(),
    'incidents.list': () => backend.incidents(),
  };

  return {
    dispatch: createApiDispatch(handlers, logger.child('api')),
    hub,
    backend,
    info,
    dispose() {
      backend.dispose();
      db.close();
    },
  };
}
