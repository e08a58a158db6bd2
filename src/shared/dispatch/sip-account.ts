import { z } from 'zod';

/** An ICE server as RTCPeerConnection takes it. None by default: a public STUN server would leak the centre's addresses. */
export const IceServerSchema = z
  .object({
    urls: z.union([z.string().regex(/^(stun|turns?):/), z.array(z.string().regex(/^(stun|turns?):/)).min(1)]),
    username: z.string().max(200).optional(),
    credential: z.string().max(200).optional(),
  })
  .strict();
export type IceServer = z.infer<typeof IceServerSchema>;

/** A SIP user: digits for crews and groups (their directory extensions), `disp-…` for dispatcher seats, or `dispatch`. */
export const SipUserSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);

/**
 * What a user agent needs to register: the backend derives the password for a user it has authorised (a console's
 * dispatcher seat, a crew terminal) and never stores it.
 */
export const SipAccountSchema = z
  .object({
    user: SipUserSchema,
    password: z.string().min(8).max(200),
    domain: z.string().min(1).max(100),
    displayName: z.string().max(100),
    /** The SIP server's WebSocket URL (wss in production; ws allowed on loopback and LANs). */
    wsServer: z.string().regex(/^wss?:\/\/[^\s]+$/),
    iceServers: z.array(IceServerSchema).max(8),
  })
  .strict();
export type SipAccount = z.infer<typeof SipAccountSchema>;

/** The SIP server a backend offers, as `--sip-server`, `--sip-domain`, `--sip-secret-file` and `--ice-server` configure it. */
export const SipServerInfoSchema = z
  .object({
    wsServer: z.string().regex(/^wss?:\/\/[^\s]+$/),
    domain: z.string().min(1).max(100),
    iceServers: z.array(IceServerSchema).max(8),
  })
  .strict();
export type SipServerInfo = z.infer<typeof SipServerInfoSchema>;

/** The hunt group a crew dials to reach whichever dispatcher answers first (every seat is registered under it too). */
export const DISPATCH_HUNT_GROUP = 'dispatch';
/** Dispatcher seats' SIP users start with this; kamailio registers them under the hunt group as well. */
export const DISPATCHER_USER_PREFIX = 'disp-';

export function sipUri(user: string, domain: string): string {
  return `sip:${user}@${domain}`;
}

/** How a backend offers SIP: its own kamailio (the embedded default), the centre's server (`--sip-server`), or none. */
export type SipServerSetting =
  | { kind: 'local'; iceServers: IceServer[] }
  | { kind: 'external'; wsServer: string; domain: string; secret: string; iceServers: IceServer[] }
  | { kind: 'none' };
