import { join } from 'node:path';
import type { BasemapSource } from '../../shared/domain/basemap-source.js';
import type { HostInfo } from '../../shared/domain/host.js';
import type { Settings, SettingsPatch } from '../../shared/domain/settings.js';
import type { SipServerInfo } from '../../shared/dispatch/sip-account.js';
import { httpOrigin } from '../../shared/security/content-security-policy.js';
import type { OsDisplay } from '../../shared/wall/displays.js';
import type { Logger } from '../../node/logger.js';
import { openDatabase } from '../../node/sqlite.js';
import { EventHub, createApiDispatch, type ApiDispatch, type ApiHandlers } from './api/index.js';
import { BackendLink, feedFeature } from './backend-link/index.js';
import { callsFeature } from './calls/index.js';
import { camerasFeature } from './cameras/index.js';
import { CityFiles, cityFeature } from './city/index.js';
import { systemClock, type Clock } from './clock/index.js';
import { createCoreContext } from './core-context.js';
import { consoleMigrations } from './db/console-migrations.js';
import { hostSurface, type HostSurface } from './host/index.js';
import { IdentityService, identityHandlers } from './identity/index.js';
import { mapViewsFeature } from './map/index.js';
import { plansFeature } from './plans/index.js';
import { SettingsRepository, consoleIdentity, settingsFeature } from './settings/index.js';
import { snapshotsFeature } from './snapshots/index.js';
import { Outbox, syncFeature } from './sync/index.js';
import { wallFeature, type WallRunHook } from './wall/index.js';

export interface ConsoleCoreOptions {
  host: HostInfo['host'];
  appVersion: string;
  dataDir: string;
  /** The built demo city (or a customer's city data in the same format). */
  cityDir: string;
  /** Emergency plan files (plans/*.yaml). */
  plansDir: string;
  /** Tests drive run timers with their own clock. */
  clock?: Clock;
  /** `sipServer`: the embedded backend's SIP server, known before its first hello (a shared backend names it in hello). */
  /** `credential`: what the console presents to the backend (its file, or the embedded backend's in-process one). */
  backend: { url: string; embedded: boolean; credential?: string; sipServer?: SipServerInfo | null; ca?: string };
  basemap: BasemapSource;
  /** The displays the OS reports (the Electron host); absent on the web host, which cannot see its browsers' monitors. */
  displays?: () => OsDisplay[];
  logger: Logger;
}

/** The console's services, identical under both hosts; each host only adds its transport and its windows. */
export interface ConsoleCore extends Omit<HostSurface, 'handlers'> {
  readonly dispatch: ApiDispatch;
  readonly hub: EventHub;
  readonly backend: BackendLink;
  readonly identity: IdentityService;
  readonly info: HostInfo;
  settings(): Settings;
  /** Changes settings for every window (the host's own changes, such as a wall window moved by hand, come here too). */
  updateSettings(patch: SettingsPatch): Settings;
  dispose(): void;
}

/** Assembles the console's features on one context; each feature owns its slice of the contract. */
export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const db = openDatabase({ file: join(options.dataDir, 'console.sqlite'), migrations: consoleMigrations, logger });
  const hub = new EventHub();
  const info: HostInfo = { appVersion: options.appVersion, host: options.host, startedAt: clock.now().toISOString(), consoleId: consoleIdentity(db, clock.now()), basemap: options.basemap };
  const backend = new BackendLink({
    url: options.backend.url,
    embedded: options.backend.embedded,
    ...(options.backend.credential ? { credential: options.backend.credential } : {}),
    ...(options.backend.ca ? { ca: options.backend.ca } : {}),
    consoleId: info.consoleId,
    appVersion: options.appVersion,
    hub,
    clock,
    logger: logger.child('backend-link'),
  });
  const ctx = createCoreContext({ clock, db, hub, logger, info, backend, settings: new SettingsRepository(db), city: new CityFiles(options.cityDir, logger.child('city')) });

  const identity = new IdentityService({ db, now: () => clock.now(), logger: logger.child('identity') });
  const host = hostSurface(ctx, { basemap: options.basemap, backend: options.backend });
  const settings = settingsFeature(ctx);
  const cameras = camerasFeature(ctx, options.host === 'web' ? '' : (httpOrigin(options.backend.url) ?? ''));
  const wall = wallFeature(ctx, options.displays);
  const outbox = new Outbox(db, clock);
  // The wall follows this console's runs, and the runs are made before the wall can follow them.
  let wallRuns: WallRunHook | null = null;
  const plans = plansFeature(ctx, { plansDir: options.plansDir, outbox, runTransition: (view, transition) => wallRuns?.transition(view, transition) });
  const sync = syncFeature(ctx, outbox, { plansChanged: () => plans.library.reloadLatest(), runChanged: (runId) => plans.runs.remoteChanged(runId) });
  wallRuns = wall.followRuns(plans.runs);
  plans.start();
  wallRuns.reconcile();

  const city = cityFeature(ctx);
  const feed = feedFeature(ctx);
  const snapshots = snapshotsFeature(ctx, cameras.directory);
  const mapViews = mapViewsFeature(ctx);
  const calls = callsFeature(ctx);
  // A handler missing from these slices is a compile error (ApiHandlers maps every contract method).
  const handlers: ApiHandlers = {
    ...identityHandlers(identity),
    ...host.handlers,
    ...settings.handlers,
    ...city.handlers,
    ...feed.handlers,
    ...cameras.handlers,
    ...snapshots.handlers,
    ...wall.handlers,
    ...mapViews.handlers,
    ...calls.handlers,
    ...plans.handlers,
    ...sync.handlers,
  };
  return {
    backendMediaTarget: host.backendMediaTarget,
    cityFilePath: host.cityFilePath,
    contentSecurityPolicy: host.contentSecurityPolicy,
    sipServerUrl: host.sipServerUrl,
    dispatch: createApiDispatch(handlers, (credential) => identity.principalFor(credential), logger.child('api')),
    hub,
    backend,
    identity,
    info,
    settings: () => ctx.settings.read(),
    updateSettings: settings.update,
    dispose() {
      for (const feature of [plans, sync, wall, snapshots, cameras]) feature.dispose?.();
      backend.dispose();
      db.close();
    },
  };
}
