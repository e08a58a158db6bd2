export { plansFeature, type PlansFeature } from './plans-feature.js';
export type { RunTransition } from './run-service.js';
export { PlanRepository, planSourceMismatch } from './plan-repository.js';
export type { RecordOutbox } from './record-outbox.js';
export { RunRepository } from './run-repository.js';
