export { camerasFeature, type CamerasFeature } from './cameras-feature.js';
