import { z } from 'zod';

export const hostKinds = ['electron', 'web'] as const;

export const HostInfoSchema = z.object({
  appVersion: z.string(),
  host: z.enum(hostKinds),
  startedAt: z.string(),
  /** The id of this console in sync records, stable across restarts. */
  consoleId: z.string(),
});
export type HostInfo = z.infer<typeof HostInfoSchema>;
