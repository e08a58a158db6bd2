export { mapViewsFeature } from './map-views-feature.js';
