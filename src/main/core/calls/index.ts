export { callsFeature } from './calls-feature.js';
