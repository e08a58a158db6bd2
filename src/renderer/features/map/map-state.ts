import { initialMapLayersState, type MapLayersState } from '../../../shared/map/map-layers-state.js';
import type { MapObjectRef } from './deck-layers.js';

/** Where the operator asked the map to go; `seq` makes the same request twice count as two. */
export type CameraRequest =
  | { seq: number; kind: 'home' }
  | { seq: number; kind: 'point'; position: [number, number]; zoom: number }
  | { seq: number; kind: 'bounds'; bbox: [number, number, number, number] };

export type MapPanel = 'catalogue' | 'incidents' | 'none';

/** A map window's state: serialisable, so it can be saved per window and restored; the map engine follows it. */
export interface MapViewState {
  readonly layers: MapLayersState;
  readonly selected: MapObjectRef | null;
  readonly panel: MapPanel;
  readonly cameraRequest: CameraRequest | null;
}

export const initialMapViewState: MapViewState = { layers: initialMapLayersState, selected: null, panel: 'incidents', cameraRequest: null };

type CameraTarget = { kind: 'home' } | { kind: 'point'; position: [number, number]; zoom: number } | { kind: 'bounds'; bbox: [number, number, number, number] };

export function withCameraRequest(state: MapViewState, target: CameraTarget): MapViewState {
  return { ...state, cameraRequest: { ...target, seq: (state.cameraRequest?.seq ?? 0) + 1 } };
}

export function withPanelToggled(state: MapViewState, panel: Exclude<MapPanel, 'none'>): MapViewState {
  return { ...state, panel: state.panel === panel ? 'none' : panel };
}
