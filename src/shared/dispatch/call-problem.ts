import { z } from 'zod';

/**
 * What went wrong with a call or with a seat's SIP registration. Codes cross to the host and the call log; each
 * window says them in its operator's language.
 */
export const callProblemCodes = [
  /** The crew's phone answered busy (486, 600). */
  'crew-busy',
  /** The crew declined the call (603). */
  'crew-declined',
  /** The crew is not registered or did not answer in time (404, 408, 480). */
  'crew-unreachable',
  'cancelled',
  /** The SIP server refused this seat's call (401, 403, 407). */
  'seat-refused',
  /** Any other final failure response. */
  'call-failed',
  'media-not-allowed',
  'media-missing',
  'media-in-use',
  'media-failed',
  /** Calls need HTTPS or loopback (a secure context). */
  'insecure-context',
  /** The media connection dropped during the call. */
  'media-lost',
  'answered-elsewhere',
  'group-mix-failed',
  /** The browser keeps audio suspended until the page has had a click. */
  'mix-suspended',
  'hold-refused',
  'hold-pending',
  'transfer-refused',
  'seat-not-registered',
  'registration-lapsed',
  'registration-refused',
  'registration-failed',
  'registered-again',
  'sip-server-lost',
  /** The host could not give this seat a SIP account (no SIP server known or running). */
  'sip-unavailable',
  'call-request-failed',
  'call-log-failed',
  'call-log-unavailable',
  /** The console stopped during the call; the log ends it where it was last written. */
  'console-stopped',
] as const;
export const CallProblemCodeSchema = z.enum(callProblemCodes);
export type CallProblemCode = z.infer<typeof CallProblemCodeSchema>;

/** A problem's code and, untranslated, what the far end, the server or the browser said (status, reason, error). */
export const CallProblemSchema = z.object({ code: CallProblemCodeSchema, detail: z.string().max(300).nullable() }).strict();
export type CallProblem = z.infer<typeof CallProblemSchema>;

export function callProblem(code: CallProblemCode, detail: string | null = null): CallProblem {
  return { code, detail: detail === null ? null : detail.slice(0, 300) };
}
