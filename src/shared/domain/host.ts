import { z } from 'zod';
import { BasemapSourceSchema } from './basemap-source.js';

export const hostKinds = ['electron', 'web'] as const;

export const HostInfoSchema = z.object({
  appVersion: z.string(),
  host: z.enum(hostKinds),
  startedAt: z.string(),
  /** The id of this console in sync records, stable across restarts. */
  consoleId: z.string(),
  /** Where the map's base layer comes from (configured on the host with --basemap). */
  basemap: BasemapSourceSchema,
});
export type HostInfo = z.infer<typeof HostInfoSchema>;
