import { displaysWithScreens, nominalDisplays, type OsDisplay } from '../../../shared/wall/displays.js';
import { actorText, type CoreContext, type CoreFeature } from '../core-context.js';
import type { RunView } from '../../../shared/plans/plan-views.js';
import { AlarmPopups } from './alarm-popups.js';
import { wallFollowsRuns, type WallRunHook } from './run-scene-hook.js';
import { SceneRepository } from './scene-repository.js';
import { SceneService } from './scene-service.js';
import { WallRequests } from './wall-requests.js';
import { WallState } from './wall-state.js';
import { WindowStateRepository } from './window-state-repository.js';

type WallMethods =
  | 'shared.get'
  | 'shared.focusIncident'
  | 'shared.select'
  | 'alarms.acknowledge'
  | 'wallPlay.request'
  | 'wallPlay.claim'
  | 'scenes.list'
  | 'scenes.apply'
  | 'scenes.save'
  | 'window.loadState'
  | 'window.saveState'
  | 'wall.displays';

export interface WallFeature extends CoreFeature<WallMethods> {
  /** The wall follows the runs this console drives (see wallFollowsRuns). */
  followRuns(runs: { activeRuns(): string[]; view(runId: string): RunView }): WallRunHook;
}

/**
 * The wall: what every window follows (focus, selection, alarms, the scene), the scenes an operator applies, cameras
 * sent to a video window by request and claim, and where each window stood. `displays` is the OS's list (Electron);
 * the web host cannot see its browsers' monitors.
 */
export function wallFeature(ctx: CoreContext, displays: (() => OsDisplay[]) | undefined): WallFeature {
  const state = new WallState(ctx.hub, ctx.clock);
  const scenes = new SceneService(new SceneRepository(ctx.db, ctx.logger.child('scenes')), () => ctx.clock.now(), (scene) => state.sceneChanged(scene), ctx.logger.child('scenes'));
  state.sceneChanged(scenes.active());
  const windowStates = new WindowStateRepository(ctx.db, ctx.logger.child('window-state'));
  const alarms = new AlarmPopups();
  const requests = new WallRequests({ emit: (event, payload) => ctx.hub.emit(event, payload), clock: ctx.clock });
  // Alarms are judged fresh by the backend's time, which stamps incidents (not this machine's clock, nor the runs').
  const incidentFeed = ctx.hub.on('incidents.changed', (incidents) => {
    if (alarms.incidentsChanged(incidents, ctx.backend.backendNow())) state.alarmsChanged(alarms.list());
  });
  return {
    followRuns: (runs) => wallFollowsRuns({ scenes, runs, focus: (incidentId, by) => state.moveFocus(incidentId, by), logger: ctx.logger.child('wall') }),
    handlers: {
      'shared.get': () => state.get(),
      'shared.focusIncident': ({ incidentId }, caller) => state.focus(incidentId, actorText(ctx.actorOf(caller))),
      'shared.select': ({ selection }) => state.select(selection),
      'alarms.acknowledge': ({ incidentId }, caller) => {
        if (!alarms.acknowledge(incidentId)) return state.get();
        ctx.audit(caller, 'alarm handled on the wall', { incidentId });
        return state.alarmsChanged(alarms.list());
      },
      'wallPlay.request': (request, caller) => {
        ctx.audit(caller, 'camera sent to the wall', { requestId: request.requestId, cameraId: request.cameraId });
        return requests.requestPlay(request);
      },
      'wallPlay.claim': ({ requestId }, caller) => requests.claimPlay(requestId, caller.clientId),
      'scenes.list': () => scenes.list(),
      'scenes.apply': ({ sceneId }, caller) => {
        scenes.apply(sceneId, actorText(ctx.actorOf(caller)));
        return state.get();
      },
      'scenes.save': ({ scene }, caller) => {
        const saved = scenes.save(scene, actorText(ctx.actorOf(caller)));
        ctx.hub.emit('scenes.changed', scenes.list());
        return saved;
      },
      'window.loadState': (key) => windowStates.load(key),
      'window.saveState': ({ role, screen, state: windowState }) => windowStates.save({ role, screen }, windowState, ctx.clock.now().toISOString()),
      'wall.displays': () => {
        const wall = ctx.settings.read().wall;
        return displays ? { source: 'os', displays: displaysWithScreens(wall, displays()) } : { source: 'configured', displays: nominalDisplays(wall) };
      },
    },
    dispose: () => incidentFeed.dispose(),
  };
}
