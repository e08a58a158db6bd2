import { describe, expect, it } from 'vitest';
import type { SharedState } from '../../../shared/domain/shared-state.js';
import { builtinScenes, type Scene } from '../../../shared/wall/scenes.js';
import { videoShows } from './video-source.js';

const flood = builtinScenes.find((scene) => scene.id === 'flood-season') as Scene;
const emergency = builtinScenes.find((scene) => scene.id === 'emergency') as Scene;
const state = (scene: Scene, appliedAt: string, focusedIncidentId: string | null, focusedAt: string | null): SharedState => ({
  focusedIncidentId,
  focusedBy: null,
  focusedAt,
  scene: { scene, appliedBy: 'system', appliedAt, cause: 'operator', run: null },
  selection: null,
  alarms: [],
});

describe('what the video wall shows', () => {
  it('shows the scene’s group until an incident is focused after the scene was applied', () => {
    expect(videoShows(state(flood, '2026-07-01T02:00:00.000Z', 'INC-1', '2026-07-01T01:00:00.000Z'))).toEqual({ kind: 'group', group: flood.video.source.kind === 'camera-group' && flood.video.source.group });
    expect(videoShows(state(flood, '2026-07-01T02:00:00.000Z', 'INC-1', '2026-07-01T03:00:00.000Z'))).toEqual({ kind: 'focus', incidentId: 'INC-1' });
    expect(videoShows(state(flood, '2026-07-01T02:00:00.000Z', null, null)).kind).toBe('group');
  });

  it('follows the focus in a nearest-to-focus scene, and shows nothing without one', () => {
    expect(videoShows(state(emergency, '2026-07-01T02:00:00.000Z', 'INC-1', '2026-07-01T01:00:00.000Z'))).toEqual({ kind: 'focus', incidentId: 'INC-1' });
    expect(videoShows(state(emergency, '2026-07-01T02:00:00.000Z', null, null))).toEqual({ kind: 'nothing' });
  });
});
