import type { ActiveScene } from '../../../shared/wall/scenes.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';

/** The wall's scene as this window last heard it (null until the host has answered). The map reads `scene.map`. */
export function useActiveScene(): ActiveScene | null {
  return useStore(useAppModel().shared, (shared) => shared.scene);
}
