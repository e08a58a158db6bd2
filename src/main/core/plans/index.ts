export { plansFeature, type PlansFeature } from './plans-feature.js';
export type { RunTransition } from './run-service.js';
