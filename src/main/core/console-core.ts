import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ApiFailure, apiError } from '../../shared/contract/errors.js';
import type { HostInfo } from '../../shared/domain/host.js';
import { basemapOrigin, type BasemapSource } from '../../shared/domain/basemap-source.js';
import { contentSecurityPolicy, httpOrigin, webSocketOrigin } from '../../shared/security/content-security-policy.js';
import type { Settings, SettingsPatch } from '../../shared/domain/settings.js';
import type { BackendStatus } from '../../shared/domain/backend.js';
import type { Incident } from '../../shared/domain/feed.js';
import { initialSharedState, type SharedState } from '../../shared/domain/shared-state.js';
import { plansForIncident, runIncidentOf } from '../../shared/plans/plan-matching.js';
import type { Actor } from '../../shared/plans/run-model.js';
import { displaysWithScreens, nominalDisplays, type OsDisplay } from '../../shared/wall/displays.js';
import type { Logger } from '../../node/logger.js';
import { openDatabase } from '../../node/sqlite.js';
import { createApiDispatch, type ApiDispatch, type ApiHandlers, type Caller } from './api/dispatcher.js';
import { IdentityService, identityHandlers } from './identity/index.js';
import { principalName } from '../../shared/identity/principal.js';
import { mayCommandRun, mayStartRun } from '../../shared/identity/run-permissions.js';
import { EventHub } from './api/event-hub.js';
import { BackendLink } from './backend-link/backend-link.js';
import { CityFiles } from './city/city-files.js';
import { MapViewRepository } from './map/map-view-repository.js';
import { consoleMigrations } from './db/console-migrations.js';
import { DrillScriptPlayer } from './plans/drill-scripts.js';
import { PlanLibraryService } from './plans/plan-library.js';
import { ProposalService } from './plans/proposals.js';
import { RunService, systemClock, type RunClock } from './plans/run-service.js';
import { SettingsRepository, consoleIdentity } from './settings/settings-repository.js';
import { Outbox } from './sync/outbox.js';
import { SyncService } from './sync/sync-service.js';
import { CameraGroups } from './wall/camera-groups.js';
import { CameraDirectory } from './cameras/camera-directory.js';
import { AlarmPopups } from './wall/alarm-popups.js';
import { SceneRepository } from './wall/scene-repository.js';
import { actorText, wallFollowsRuns } from './wall/run-scene-hook.js';
import { SceneService } from './wall/scene-service.js';
import { WindowStateRepository } from './wall/window-state-repository.js';
import { CallLogRepository } from './calls/call-log-repository.js';
import { SnapshotRepository } from './snapshots/snapshot-repository.js';
import { DispatchService } from './calls/dispatch-service.js';
import { sipUri, type SipServerInfo } from '../../shared/dispatch/sip-account.js';

export interface ConsoleCoreOptions {
  host: HostInfo['host'];
  appVersion: string;
  dataDir: string;
  /** The built demo city (or a customer's city data in the same format). */
  cityDir: string;
  /** Emergency plan files (plans/*.yaml). */
  plansDir: string;
  /** Tests drive run timers with their own clock. */
  clock?: RunClock;
  /** `sipServer`: the embedded backend's SIP server, known before its first hello (a shared backend names it in hello). */
  /** `credential`: what the console presents to the backend (its file, or the embedded backend's in-process one). */
  backend: { url: string; embedded: boolean; credential?: string; sipServer?: SipServerInfo | null; ca?: string };
  basemap: BasemapSource;
  /** The displays the OS reports (the Electron host); absent on the web host, which cannot see its browsers' monitors. */
  displays?: () => OsDisplay[];
  logger: Logger;
}

/** The console's services, identical under both hosts; each host only adds its transport and its windows. */
export interface ConsoleCore {
  readonly dispatch: ApiDispatch;
  readonly hub: EventHub;
  readonly backend: BackendLink;
  readonly identity: IdentityService;
  readonly info: HostInfo;
  /** The backend's media URL a window asked the web host for (`/media/…` with its signature), with the CA to trust. */
  backendMediaTarget(pathAndQuery: string): { url: URL; ca?: string };
  /** Where the city file a window asks for at `/city/<path>` lies, or null when the build has no such file. */
  cityFilePath(path: string): string | null;
  /** Origins beyond its own that a window may fetch from (the basemap's tiles, the backend's camera streams): the CSP. */
  contentSecurityPolicy(): string;
  /** The SIP server's WebSocket URL (the embedded backend's before the first hello), which the web host relays its pages to; null: none. */
  sipServerUrl(): string | null;
  settings(): Settings;
  /** Changes settings for every window (the host's own changes, such as a wall window moved by hand, come here too). */
  updateSettings(patch: SettingsPatch): Settings;
  dispose(): void;
}

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const { logger } = options;
  const db = openDatabase({ file: join(options.dataDir, 'console.sqlite'), migrations: consoleMigrations, logger });
  const settings = new SettingsRepository(db);
  const identity = new IdentityService({ db, now: () => new Date(), logger: logger.child('identity') });
  const hub = new EventHub();
  const city = new CityFiles(options.cityDir, logger.child('city'));
  const info: HostInfo = {
    appVersion: options.appVersion,
    host: options.host,
    startedAt: new Date().toISOString(),
    consoleId: consoleIdentity(db),
    basemap: options.basemap,
  };
  const backend = new BackendLink({
    url: options.backend.url,
    embedded: options.backend.embedded,
    ...(options.backend.credential ? { credential: options.backend.credential } : {}),
    ...(options.backend.ca ? { ca: options.backend.ca } : {}),
    consoleId: info.consoleId,
    appVersion: options.appVersion,
    hub,
    logger: logger.child('backend-link'),
  });

  const outbox = new Outbox(db);
  const plans = new PlanLibraryService(db, outbox, info.consoleId, logger.child('plans'));
  const clock = options.clock ?? systemClock;
  let shared: SharedState = initialSharedState;
  const scenes = new SceneService(
    new SceneRepository(db, logger.child('scenes')),
    () => clock.now(),
    (scene) => {
      shared = { ...shared, scene };
      hub.emit('shared.changed', shared);
    },
    logger.child('scenes'),
  );
  shared = { ...shared, scene: scenes.active() };
  const windowStates = new WindowStateRepository(db, logger.child('window-state'));
  const mapViews = new MapViewRepository(db, logger.child('map-views'));
  const cameraGroups = new CameraGroups(city);
  const alarms = new AlarmPopups();
  const backendOrigin = httpOrigin(options.backend.url) ?? '';
  const cameras = new CameraDirectory(
    () => backend.cameraCatalogue(),
    // The web host relays /media on the page's own origin (a wall browser on the LAN cannot reach a backend on this
    // machine's loopback, nor load http media into an https page); an Electron window on this machine goes direct.
    async (paths) => (await backend.signMediaPaths(paths)).map((path) => (options.host === 'web' ? path : `${backendOrigin}${path}`)),
  );
  const runs = new RunService(
    db,
    plans,
    outbox,
    info.consoleId,
    (view, transition) => {
      hub.emit('runs.changed', view);
      if (view.origin === info.consoleId) drills.follow(view);
      if (transition) wallRuns.transition(view, transition);
    },
    logger.child('runs'),
    clock,
  );
  const drills = new DrillScriptPlayer(
    {
      view: (runId) => runs.view(runId),
      staged: (runId) => runs.drillInjections(runId),
      record: (runId, index, incidentId) => runs.recordDrillInjection(runId, index, incidentId),
      stage: (injection) => backend.injectDrillIncident(injection),
    },
    clock,
    logger.child('drills'),
  );
  const sync = new SyncService(
    db,
    outbox,
    backend,
    info.consoleId,
    {
      plansChanged: () => plans.reloadLatest(),
      runChanged: (runId) => runs.remoteChanged(runId),
      statusChanged: (status) => hub.emit('sync.status', status),
    },
    logger.child('sync'),
  );
  const wallRuns = wallFollowsRuns({
    scenes,
    runs,
    // The focus moves with the scene: the scene change that follows sends both to the windows in one event.
    focus: (incidentId, by) => {
      shared = { ...shared, focusedIncidentId: incidentId, focusedBy: by, focusedAt: clock.now().toISOString() };
    },
    logger: logger.child('wall'),
  });
  plans.loadDirectory(options.plansDir);
  runs.resumeActiveRuns();
  wallRuns.reconcile();
  for (const runId of runs.activeDrillRuns()) drills.follow(runs.view(runId));
  const proposals = new ProposalService(
    () => plans.latestPlans(),
    () => runs.incidentsWithRuns(),
    (list) => hub.emit('proposals.changed', list),
  );
  /** The backend's open incidents as last heard (null before): the stills linked to them are never removed. */
  let openIncidentIds: ReadonlySet<string> | null = null;
  // The core listens to the incident feed like any window does.
  const incidentFeed = hub.connect((event, payload) => {
    if (event === 'incidents.changed') openIncidentIds = new Set((payload as Incident[]).filter((item) => item.state !== 'closed').map((item) => item.id));
    if (event === 'incidents.changed') proposals.incidentsChanged(payload as Parameters<ProposalService['incidentsChanged']>[0]);
    if (event === 'backend.status' && (payload as BackendStatus).state === 'connected') cameras.invalidate();
    // Alarms are judged fresh by the backend's time, which stamps incidents (not this machine's clock, nor the runs').
    if (event === 'incidents.changed' && alarms.incidentsChanged(payload as Incident[], backend.backendNow())) {
      shared = { ...shared, alarms: alarms.list() };
      hub.emit('shared.changed', shared);
    }
  }, () => true);
  incidentFeed.subscribe('incidents.changed');
  incidentFeed.subscribe('backend.status');
  /** Who did it, for runs, the wall and the logs: the signed-in user, never a name the window typed. */
  const actorOf = (caller: Caller): Actor => ({
    kind: 'operator',
    name: principalName(caller.principal),
    window: `${caller.role ?? 'window'}/${caller.clientId.slice(0, 8)}`,
  });
  const incident = async (incidentId: string) => {
    const found = (await backend.incidents()).find((candidate) => candidate.id === incidentId);
    if (!found) throw new ApiFailure(apiError('not-found', `No incident "${incidentId}" at the backend.`));
    return found;
  };

  const snapshots = new SnapshotRepository(db, info.consoleId, logger.child('snapshots'));
  const callLog = new CallLogRepository(db, logger.child('calls'));
  const callsLeftOpen = callLog.closeOpen();
  if (callsLeftOpen > 0) logger.warn('calls left open by the last run closed', { count: callsLeftOpen });
  const dispatchCalls = new DispatchService({
    log: callLog,
    crews: () => backend.crews({ limit: 1000 }),
    groups: () => city.crewGroups(),
    incident,
    drillRoster: () => settings.read().drillRoster,
    emit: (event, payload) => hub.emit(event, payload),
    now: () => clock.now(),
    logger: logger.child('calls'),
  });
  const sipUnavailable = () => {
    const reason = backend.sipServer().unavailableReason;
    return new ApiFailure(apiError('unavailable', reason ?? '调度通话服务器未就绪 / The SIP server is not known yet: the backend is not connected.'));
  };

  const updateSettings = (patch: SettingsPatch): Settings => {
    const next = settings.update(patch);
    hub.emit('settings.changed', next);
    return next;
  };

  const handlers: ApiHandlers = {
    ...identityHandlers(identity),
    'host.info': () => info,
    'backend.status': () => backend.getStatus(),
    'settings.get': () => settings.read(),
    'settings.update': (patch, origin) => {
      // Language and theme are each operator's to choose; the rest (the wall, the drill roster, quotas) the administrator's.
      const personal = Object.keys(patch).every((key) => key === 'language' || key === 'theme');
      if (!personal && !(origin.principal.kind === 'user' && origin.principal.roles.includes('administrator'))) {
        throw new ApiFailure(apiError('forbidden', 'Only an administrator changes the wall, the drill roster and quotas.'));
      }
      logger.info('settings changed', { patch, by: principalName(origin.principal), clientId: origin.clientId });
      return updateSettings(patch);
    },
    'city.basemap': () => city.basemap(),
    'city.about': () => city.about(),
    'cameras.near': ({ position, count, radiusM }) => cameras.near(position, count, radiusM),
    'cameras.streams': ({ cameraId }) => cameras.streams(cameraId),
    'cameras.search': ({ text, limit }) => cameras.search(text, limit),
    'cameras.catalogue': async () => (await cameras.cameras()).map(({ id, code, name, position, ptz }) => ({ id, code, name, position, ptz })),
    'cameras.ptz': (request) => backend.ptz(request),
    'snapshots.save': async (still, origin) => {
      // The window names the camera and the incident; what they are is the catalogue's and the backend's word.
      const camera = await cameras.streams(still.cameraId);
      if (still.incidentId !== null) await incident(still.incidentId);
      const saved = snapshots.save(still, camera, principalName(origin.principal), clock.now());
      snapshots.enforceQuota(settings.read().stillsQuotaMb * 1_048_576, openIncidentIds, saved.id);
      hub.emit('snapshots.saved', saved);
      return saved;
    },
    'snapshots.list': ({ incidentId, limit }) => snapshots.list(incidentId, limit),
    'snapshots.image': ({ id }) => {
      const jpeg = snapshots.jpeg(id);
      if (jpeg === null) throw new ApiFailure(apiError('not-found', `There is no snapshot ${id}.`));
      return { jpegBase64: jpeg.toString('base64') };
    },
    'webrtc.capabilities': () => backend.sfuCapabilities(),
    'webrtc.open': (request) => backend.sfuOpen(request),
    'webrtc.connect': (request) => backend.sfuConnect(request),
    'webrtc.close': (request) => backend.sfuClose(request),
    'shared.get': () => shared,
    'shared.focusIncident': ({ incidentId }, origin) => {
      const by = actorOf(origin);
      shared = { ...shared, focusedIncidentId: incidentId, focusedBy: by.kind === 'operator' ? `${by.name} (${by.window})` : null, focusedAt: new Date().toISOString() };
      hub.emit('shared.changed', shared);
      return shared;
    },
    'shared.select': ({ selection }) => {
      shared = { ...shared, selection };
      hub.emit('shared.changed', shared);
      return shared;
    },
    'alarms.acknowledge': ({ incidentId }, origin) => {
      if (alarms.acknowledge(incidentId)) {
        logger.info('alarm handled on the wall', { incidentId, by: actorOf(origin) });
        shared = { ...shared, alarms: alarms.list() };
        hub.emit('shared.changed', shared);
      }
      return shared;
    },
    'cameras.group': async ({ group, count }) => cameraGroups.camerasOf(await cameras.cameras(), group, count),
    'scenes.list': () => scenes.list(),
    'scenes.apply': ({ sceneId }, origin) => {
      scenes.apply(sceneId, actorText(actorOf(origin)));
      return shared;
    },
    'scenes.save': ({ scene }, origin) => {
      const saved = scenes.save(scene, actorText(actorOf(origin)));
      hub.emit('scenes.changed', scenes.list());
      return saved;
    },
    'window.loadState': (key) => windowStates.load(key),
    'mapViews.list': () => mapViews.list(),
    'mapViews.save': ({ name, body }, origin) => {
      mapViews.save(name, body, actorText(actorOf(origin)), new Date());
      const list = mapViews.list();
      hub.emit('mapViews.changed', list);
      return list;
    },
    'mapViews.delete': ({ name }) => {
      if (!mapViews.delete(name)) throw new ApiFailure(apiError('not-found', `There is no map view named "${name}".`));
      const list = mapViews.list();
      hub.emit('mapViews.changed', list);
      return list;
    },
    'window.saveState': ({ role, screen, state }) => windowStates.save({ role, screen }, state, new Date().toISOString()),
    'wall.displays': () => {
      const wall = settings.read().wall;
      return options.displays ? { source: 'os', displays: displaysWithScreens(wall, options.displays()) } : { source: 'configured', displays: nominalDisplays(wall) };
    },
    'directory.crews': (query) => backend.crews(query),
    'dispatch.account': async (_params, origin) => {
      if (backend.sipServer().info === null) throw sipUnavailable();
      return backend.sipAccount({ kind: 'dispatcher', displayName: principalName(origin.principal) });
    },
    'dispatch.groups': () => [...city.crewGroups()],
    'dispatch.resolveTarget': ({ target, incidentId, drill }) => dispatchCalls.resolve(target, incidentId, drill),
    'calls.request': (request, origin) => {
      logger.info('call requested', { requestId: request.requestId, parties: request.parties.map((party) => party.user), by: actorOf(origin) });
      return dispatchCalls.request(request);
    },
    'calls.claim': ({ requestId }, origin) => dispatchCalls.claim(requestId, origin.clientId),
    // The log names the signed-in user who placed the call, whatever the window wrote.
    'calls.save': (record, origin) => dispatchCalls.save({ ...record, operator: principalName(origin.principal) }),
    'calls.log': ({ limit }) => dispatchCalls.log(limit),
    'calls.kpis': () => dispatchCalls.kpis(),
    'crewTerminal.account': async ({ crewId }, origin) => {
      if (backend.sipServer().info === null) throw sipUnavailable();
      const crew = (await backend.crews({ text: crewId, limit: 5 })).find((entry) => entry.id === crewId);
      if (!crew) throw new ApiFailure(apiError('not-found', `No crew ${crewId} in the directory.`));
      const account = await backend.sipAccount({ kind: 'crew', crewId });
      logger.info('crew terminal signed in', { crewId, uri: sipUri(account.user, account.domain), window: origin.clientId.slice(0, 8) });
      return { account, crew };
    },
    'crewTerminal.identify': async ({ user }) => {
      const crew = (await backend.crews({ text: user, limit: 20 })).find((entry) => entry.sipExtension === user);
      return crew ? { user, name: crew.name, crewId: crew.id } : null;
    },
    'crewTerminal.report': (report) => backend.reportCrew(report),
    'feed.summary': () => backend.getSummary(),
    'sensors.abnormal': () => backend.abnormalSensors(),
    'sensors.history': ({ sensorId }) => backend.sensorHistory(sensorId),
    'incidents.list': () => backend.incidents(),
    'incidents.report': async (report, origin) => {
      const registered = await backend.registerIncident(report);
      logger.info('incident registered', { incidentId: registered.id, by: actorOf(origin) });
      return registered;
    },
    'plans.library': () => plans.library(),
    'plans.get': ({ planId }) => {
      const plan = plans.latestPlan(planId);
      if (!plan) throw new ApiFailure(apiError('not-found', `No plan "${planId}".`));
      return plan;
    },
    'plans.import': ({ text }, origin) => {
      const outcome = plans.importFile(options.plansDir, text);
      logger.info('plan import', { by: actorOf(origin), problems: outcome.problems.length });
      return outcome;
    },
    'plans.export': ({ planId }) => {
      try {
        return plans.exportFile(planId);
      } catch {
        throw new ApiFailure(apiError('not-found', `No plan "${planId}".`));
      }
    },
    'plans.forIncident': async ({ incidentId }) => plansForIncident(plans.library().plans, await incident(incidentId)),
    'runs.list': () => runs.list(),
    'runs.get': ({ runId }) => runs.view(runId),
    'runs.start': async ({ planId, incidentId, mode }, origin) => {
      const found = incidentId === null ? null : await incident(incidentId);
      const plan = plans.latestPlan(planId);
      const refusal = mayStartRun(origin.principal, mode, { planMinSeverity: plan?.minSeverity ?? 'minor', incidentSeverity: found?.severity ?? null });
      if (refusal) throw new ApiFailure(refusal);
      if (found?.drillId && mode !== 'drill') {
        throw new ApiFailure(apiError('conflict', `Incident ${found.id} belongs to drill ${found.drillId}: only a drill run may act on it.`));
      }
      const view = runs.start({ planId, mode, incident: found && runIncidentOf(found), by: actorOf(origin), drillId: found?.drillId ?? null });
      if (found) proposals.launched(found.id);
      return view;
    },
    'runs.command': ({ runId, command }, origin) => {
      const refusal = mayCommandRun(origin.principal, runs.view(runId).state.mode);
      if (refusal) throw new ApiFailure(refusal);
      return runs.command(runId, command, actorOf(origin));
    },
    'runs.takeOver': ({ runId, reason }, origin) => runs.takeOver(runId, reason, actorOf(origin), (record) => backend.push([record])),
    'sync.status': () => sync.status(),
    'proposals.list': () => proposals.list(),
    'proposals.dismiss': ({ incidentId, planId }, origin) => {
      logger.info('proposal dismissed', { incidentId, planId, by: actorOf(origin) });
      return proposals.dismiss(incidentId, planId);
    },
    'drills.inject': async ({ planId }, origin) => {
      const plan = plans.latestPlan(planId);
      if (!plan) throw new ApiFailure(apiError('not-found', `No plan "${planId}".`));
      const trigger = plan.triggers[0];
      const sensorKind = trigger?.sensorKind ?? plan.incidentTypes[0] ?? '';
      const drillId = `DRILL-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
      const injected = await backend.injectDrillIncident({ drillId, sensorKind, ...(trigger?.riskGrades?.[0] ? { riskGrade: trigger.riskGrades[0] } : {}) });
      logger.info('drill incident injected', { planId, drillId, incidentId: injected.id, by: actorOf(origin) });
      return injected;
    },
  };

  const sipServerUrl = () => (backend.sipServer().info ?? options.backend.sipServer)?.wsServer ?? null;

  return {
    dispatch: createApiDispatch(handlers, (credential) => identity.principalFor(credential), logger.child('api')),
    hub,
    backend,
    identity,
    info,
    backendMediaTarget: (pathAndQuery) => ({ url: new URL(pathAndQuery, backendOrigin), ...(options.backend.ca ? { ca: options.backend.ca } : {}) }),
    cityFilePath: (path) => city.servedFilePath(path),
    // Web pages reach SIP through the host's own origin (its /sip relay, covered by 'self'); Electron windows connect
    // to the SIP server itself.
    contentSecurityPolicy: () =>
      contentSecurityPolicy(
        [basemapOrigin(options.basemap), options.host === 'electron' ? httpOrigin(options.backend.url) : null, options.host === 'electron' ? webSocketOrigin(sipServerUrl() ?? '') : null].filter(
          (origin) => origin !== null,
        ),
      ),
    sipServerUrl,
    settings: () => settings.read(),
    updateSettings,
    dispose() {
      drills.dispose();
      incidentFeed.dispose();
      sync.dispose();
      runs.dispose();
      backend.dispose();
      db.close();
    },
  };
}
