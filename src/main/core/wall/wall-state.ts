import { initialSharedState, type AlarmPopup, type Selection, type SharedState } from '../../../shared/domain/shared-state.js';
import type { ActiveScene } from '../../../shared/wall/scenes.js';
import type { EventHub } from '../api/index.js';
import type { Clock } from '../clock/index.js';

/**
 * What every window of the console follows (the incident in focus, the map selection, the scene, the alarms waiting):
 * the one owner of that state, which tells the windows of every change in one `shared.changed` event.
 */
export class WallState {
  private state: SharedState = initialSharedState;

  constructor(
    private readonly hub: EventHub,
    private readonly clock: Clock,
  ) {}

  get(): SharedState {
    return this.state;
  }

  /** Focuses every window on an incident (or none); `by` says who, from which window. */
  focus(incidentId: string | null, by: string | null): SharedState {
    this.moveFocus(incidentId, by);
    return this.announce();
  }

  /** Moves the focus without telling the windows yet: the change that follows (a run's scene) carries both at once. */
  moveFocus(incidentId: string | null, by: string | null): void {
    this.state = { ...this.state, focusedIncidentId: incidentId, focusedBy: by, focusedAt: this.clock.now().toISOString() };
  }

  select(selection: Selection | null): SharedState {
    this.state = { ...this.state, selection };
    return this.announce();
  }

  sceneChanged(scene: ActiveScene): SharedState {
    this.state = { ...this.state, scene };
    return this.announce();
  }

  alarmsChanged(alarms: AlarmPopup[]): SharedState {
    this.state = { ...this.state, alarms };
    return this.announce();
  }

  private announce(): SharedState {
    this.hub.emit('shared.changed', this.state);
    return this.state;
  }
}
