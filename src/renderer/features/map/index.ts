export { initialMapViewState, withCameraRequest, withPanelToggled } from './map-state.js';
export type { MapPanel, MapViewState } from './map-state.js';
export { MapView } from './MapView.js';
