export { SnapshotStrip } from './SnapshotStrip.js';
export { VideoView } from './VideoView.js';
