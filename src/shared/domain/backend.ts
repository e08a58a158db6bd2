import { z } from 'zod';

/** `incompatible` and `unauthorized` (no valid credential): refused by the backend, no retry until the console is restarted. */
export const backendConnectionStates = ['connecting', 'connected', 'disconnected', 'incompatible', 'unauthorized'] as const;
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
  /**
   * How far this console's clock is ahead of the backend's (negative: behind), in whole seconds, once it is off by more
   * than CLOCK_SKEW_WARNING_MS; null within that (or before the backend's time is known). Alarms are judged by the
   * backend's time whatever it says; it is shown so that the operator has the machine's clock set right.
   */
  clockSkewSeconds: z.number().int().nullable(),
});
export type BackendStatus = z.infer<typeof BackendStatusSchema>;

/** A console clock off from the backend's by more than this is shown as a warning in every window's status bar. */
export const CLOCK_SKEW_WARNING_MS = 30_000;
