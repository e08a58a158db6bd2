import { z } from 'zod';

/** What a map's grid cells can be coloured by. */
export const gridMeasures = ['open-cases', 'alarms', 'damaged-components'] as const;
export type GridMeasure = (typeof gridMeasures)[number];

/** The serialisable state of a map's layers: what the catalogue shows and the map draws from. */
export const MapLayersStateSchema = z.object({
  /** Only layers switched away from their default are recorded, so a city that gains layers shows them as designed. */
  visibility: z.record(z.string().max(100), z.boolean()),
  /** Per industry system (catalogue system id), 0..1. */
  opacity: z.record(z.string().max(100), z.number().min(0).max(1)),
  gridMeasure: z.enum(gridMeasures),
});
export type MapLayersState = z.infer<typeof MapLayersStateSchema>;

export const initialMapLayersState: MapLayersState = { visibility: {}, opacity: {}, gridMeasure: 'open-cases' };
