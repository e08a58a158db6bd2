export { Outbox } from './outbox.js';
export { syncFeature } from './sync-feature.js';
