export { wallFeature, type WallFeature } from './wall-feature.js';
export type { WallRunHook } from './run-scene-hook.js';
