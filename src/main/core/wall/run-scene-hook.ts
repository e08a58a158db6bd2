import type { RunView } from '../../../shared/plans/plan-views.js';
import type { Logger } from '../../../node/logger.js';
import type { RunTransition } from '../plans/index.js';
import { SYSTEM_ACTOR, actorText } from '../core-context.js';
import type { EmergencyRun, SceneService } from './scene-service.js';

export function emergencyRunOf(view: RunView): EmergencyRun {
  const incident = view.state.incident;
  return {
    run: { runId: view.state.runId, mode: view.state.mode, planTitle: view.plan.title, incidentId: incident?.id ?? null, incidentTitle: incident?.title ?? null },
    position: incident?.position ?? null,
  };
}

export interface WallRunHook {
  /** Called with every start and end of a run this console drives. */
  transition(view: RunView, transition: RunTransition): void;
  /** After the runs were resumed at start-up: gives the wall back if its run ended while the host was down. */
  reconcile(): void;
}

/**
 * The wall follows the plan runs this console drives: a start (live or drill) focuses the run's incident and puts up
 * the emergency scene; the end puts back what stood before (see SceneService for overlapping runs).
 */
export function wallFollowsRuns(options: {
  scenes: SceneService;
  runs: { activeRuns(): string[]; view(runId: string): RunView };
  focus(incidentId: string, by: string): void;
  logger: Logger;
}): WallRunHook {
  const { scenes, runs, logger } = options;
  const stillActive = () => runs.activeRuns().map((runId) => emergencyRunOf(runs.view(runId)));
  return {
    transition(view, transition) {
      const event = transition === 'started' ? view.events[0]?.event : view.events.at(-1)?.event;
      const by = event && (event.type === 'run-started' || event.type === 'run-finished') ? actorText(event.by) : SYSTEM_ACTOR;
      try {
        if (transition === 'finished') {
          scenes.runEnded(view.state.runId, stillActive(), by);
          return;
        }
        if (view.state.incident) options.focus(view.state.incident.id, by);
        scenes.runStarted(emergencyRunOf(view), by);
      } catch (error) {
        // The run itself is recorded already; a wall that failed to follow must not turn that into a failed command.
        logger.error('the wall did not follow a run', { runId: view.state.runId, transition, error });
      }
    },
    reconcile() {
      scenes.reconcile(stillActive());
    },
  };
}
