import { useCallback, useEffect, useRef } from 'react';
import { z } from 'zod';
import { LngLatSchema } from '../../../shared/domain/geo.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useActiveScene } from '../wall/index.js';
import { useWindowState } from '../wall/index.js';
import { MapLayersStateSchema } from '../../../shared/map/map-layers-state.js';
import { layersForScene, type CatalogueSystem } from './catalogue.js';
import type { MapCamera } from './map-engine.js';

/** What a map window keeps of its own: where it looked and its layers, and under which scene the operator set them. */
const MapWindowStateSchema = z
  .object({
    camera: z.object({ center: LngLatSchema, zoom: z.number().min(0).max(24), bearing: z.number(), pitch: z.number().min(0).max(85) }).strict(),
    layers: MapLayersStateSchema,
    underScene: z.string().nullable(),
  })
  .strict();
const MapWindowStateOrNone = MapWindowStateSchema.nullable();

/**
 * The map follows the wall's scene (its view and layers) unless the operator changed this window after that scene was
 * applied; then the window's own view and layers, saved on the host, win until the next scene. Returns the function
 * the view calls when the operator moves the map or changes its layers.
 */
export function useMapWindow(systems: readonly CatalogueSystem[]): (camera: MapCamera) => void {
  const model = useAppModel();
  const scene = useActiveScene();
  const own = useWindowState('map', MapWindowStateOrNone, null);
  // Which decision the map shows now, so it is applied once and the map is then left to the operator.
  const applied = useRef<string | null>(null);
  const ready = systems.length > 0 && own.status === 'ready' && scene !== null;

  useEffect(() => {
    if (!ready) return;
    const saved = own.value;
    if (saved && saved.underScene === scene.appliedAt) {
      const key = `own:${scene.appliedAt}`;
      if (applied.current === key || applied.current === `scene:${scene.appliedAt}`) return;
      applied.current = key;
      model.map.update((state) => ({ ...state, layers: saved.layers }));
      model.requestMapCamera({ kind: 'point', position: saved.camera.center, zoom: saved.camera.zoom });
      return;
    }
    const key = `scene:${scene.appliedAt}`;
    if (applied.current === key) return;
    applied.current = key;
    model.map.update((state) => ({ ...state, layers: layersForScene(systems, scene.scene.map.layers, state.layers) }));
    model.requestMapCamera({ kind: 'point', position: scene.scene.map.view.center, zoom: scene.scene.map.view.zoom });
  }, [ready, own.value, scene, systems, model]);

  const { save } = own;
  const appliedAt = scene?.appliedAt ?? null;
  return useCallback(
    (camera: MapCamera) => {
      // Until the scene or the saved state has been applied, a movement is the map settling, not the operator.
      if (applied.current === null) return;
      save({ camera: { ...camera, center: [camera.center[0], camera.center[1]] }, layers: model.map.get().layers, underScene: appliedAt });
    },
    [save, model, appliedAt],
  );
}
