import { z } from 'zod';

/** WGS84 longitude/latitude in degrees. Every coordinate the app stores is WGS84; importers convert on the way in. */
export const LngLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LngLat = z.infer<typeof LngLatSchema>;
