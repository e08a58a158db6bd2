import type { SharedState } from '../../../shared/domain/shared-state.js';
import type { CameraGroup } from '../../../shared/wall/scenes.js';

export type VideoShows = { kind: 'focus'; incidentId: string } | { kind: 'group'; group: CameraGroup } | { kind: 'nothing' };

/**
 * What the video wall shows: the scene's camera group, or the cameras around the focused incident. The later of the two
 * decisions wins (both times are the host's): a scene applied after an incident was focused shows its group; an
 * incident focused after the scene pulls up its cameras, as an alarm pops up cameras on a wall.
 */
export function videoShows(shared: SharedState): VideoShows {
  const source = shared.scene?.scene.video.source ?? { kind: 'nearest-to-focus' as const };
  const focus = shared.focusedIncidentId;
  if (source.kind === 'nearest-to-focus') return focus === null ? { kind: 'nothing' } : { kind: 'focus', incidentId: focus };
  const focusedAfterScene = focus !== null && shared.focusedAt !== null && shared.scene !== null && shared.focusedAt > shared.scene.appliedAt;
  return focusedAfterScene ? { kind: 'focus', incidentId: focus } : { kind: 'group', group: source.group };
}
