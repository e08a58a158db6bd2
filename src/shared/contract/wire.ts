import { z } from 'zod';
import { ApiErrorSchema } from './errors.js';

/** Version of the web host's WebSocket framing; bumped on any incompatible change of the messages below. */
export const WIRE_PROTOCOL_VERSION = 1;

export const WEB_SOCKET_PATH = '/api/ws';

/** The close code of a socket whose credential ended (signed out elsewhere, revoked): the page shows sign-in again. */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/**
 * The web host's relay to the SIP server's WebSocket: a page registers through its own origin, so a browser on another
 * machine reaches the SIP server (which may listen on the host's loopback) and never mixes ws into an https page.
 */
export const SIP_RELAY_PATH = '/sip';

export const ClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), method: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('subscribe'), event: z.string() }),
  z.object({ t: z.literal('unsubscribe'), event: z.string() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ApiResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

export const ServerMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), protocol: z.number().int(), appVersion: z.string() }),
  z.object({ t: z.literal('result'), id: z.number().int(), response: ApiResponseSchema }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** A message the host could not read; the connection stays open. */
  z.object({ t: z.literal('error'), error: ApiErrorSchema }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
