export { SceneBadge } from './SceneBadge.js';
export { useActiveScene } from './use-active-scene.js';
export { useWindowState } from './use-window-state.js';
export { videoShows } from './video-source.js';
export { windowScreenOf } from './window-screen.js';
export { choiceNow, decodeWindowState } from './window-state-codec.js';
