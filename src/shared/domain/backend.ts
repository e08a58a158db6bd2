import { z } from 'zod';

export const backendConnectionStates = ['connecting', 'connected', 'disconnected', 'incompatible'] as const;
export const BackendConnectionStateSchema = z.enum(backendConnectionStates);
export type BackendConnectionState = z.infer<typeof BackendConnectionStateSchema>;

/** What every window shows of the link between this console and the command-centre backend. */
export const BackendStatusSchema = z.object({
  state: BackendConnectionStateSchema,
  url: z.string(),
  /** True when this console runs the backend itself (no backend URL configured). */
  embedded: z.boolean(),
  /** ISO time of the last change of `state`. */
  since: z.string(),
  lastError: z.string().nullable(),
  serverVersion: z.string().nullable(),
});
export type BackendStatus = z.infer<typeof BackendStatusSchema>;
