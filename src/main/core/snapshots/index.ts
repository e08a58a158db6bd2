export { snapshotsFeature } from './snapshots-feature.js';
