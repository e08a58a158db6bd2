import { useMemo } from 'react';
import type { Incident } from '../../../shared/domain/feed.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';

/** The incident every window is focused on, as the backend last described it (null when none or closed away). */
export function useFocusedIncident(): Incident | null {
  const model = useAppModel();
  const focusedId = useStore(model.shared, (shared) => shared.focusedIncidentId);
  const incidents = useStore(model.incidents, (list) => list);
  return useMemo(() => incidents.find((incident) => incident.id === focusedId) ?? null, [incidents, focusedId]);
}
