import { z } from 'zod';

const Position = z.tuple([z.number(), z.number()]);
const Ring = z.array(Position);

export const GeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: Position }),
  z.object({ type: z.literal('LineString'), coordinates: Ring }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(Ring) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring)) }),
]);

export const FeatureCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.union([z.string(), z.number()]).optional(),
      properties: z.record(z.string(), z.unknown()).nullable(),
      geometry: GeometrySchema,
    }),
  ),
});
export type FeatureCollection = z.infer<typeof FeatureCollectionSchema>;

/** The offline basemap's vector layers, all WGS84, as the host serves them to the map. */
export const BasemapSchema = z.object({
  districts: FeatureCollectionSchema,
  outline: FeatureCollectionSchema,
  rivers: FeatureCollectionSchema,
});
export type Basemap = z.infer<typeof BasemapSchema>;

/** What the About panel credits: every real source, and which layers are synthetic. */
export const DataSourceSchema = z.object({
  name: z.string(),
  licence: z.string(),
  used: z.string(),
  synthetic: z.boolean(),
});
export const CityAboutSchema = z.object({
  seed: z.number().int(),
  componentCount: z.number().int(),
  sources: z.array(DataSourceSchema),
  notes: z.array(z.string()),
});
export type CityAbout = z.infer<typeof CityAboutSchema>;
