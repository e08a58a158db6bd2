import { z } from 'zod';
import { CrewIdSchema, CrewQuerySchema, CrewReportSchema, CrewSchema } from '../domain/directory.js';
import { SipAccountSchema, SipServerInfoSchema } from '../dispatch/sip-account.js';
import { LoggedRecordSchema, MAX_SYNC_BATCH_RECORDS, PushResultSchema, SyncConflictSchema, SyncPageSchema } from '../sync/sync-records.js';
import { DrillInjectionSchema, FeedSummarySchema, FeedTickSchema, IncidentReportSchema, IncidentSchema, SensorHistorySchema, SensorReadingSchema } from '../domain/feed.js';
import { CatalogueCameraSchema, MediaPathSchema } from '../media/cameras.js';
import { PtzRequestSchema, PtzResultSchema } from '../media/ptz.js';
import { IngestStatsSchema } from '../ingest/ingest-stats.js';
import { RtpCapabilitiesSchema, SfuCloseRequestSchema, SfuConnectRequestSchema, SfuOpenRequestSchema, SfuSessionSchema } from '../media/webrtc.js';

/**
 * The socket.io protocol between a console and the command-centre backend. Bump the version on any incompatible
 * change; the backend refuses a console that speaks another version with a message saying which to install.
 */
export const BACKEND_PROTOCOL_VERSION = 5;

export const BackendHandshakeSchema = z.object({
  protocol: z.number().int(),
  /** The console's own id: bound to its credential on first use, and refused with any other credential after that. */
  consoleId: z.string().min(1).max(100),
  appVersion: z.string().max(50),
  /**
   * The console's credential, which every backend requires (on loopback too). Optional here so that a console without
   * one is refused as unauthorized, with what to do, rather than as a malformed handshake.
   */
  credential: z.string().max(200).optional(),
});
export type BackendHandshake = z.infer<typeof BackendHandshakeSchema>;

export const BackendHelloSchema = z.object({
  protocol: z.number().int(),
  serverVersion: z.string(),
  startedAt: z.string(),
  city: z.object({ synthetic: z.boolean(), crews: z.number().int(), sensors: z.number().int(), vehicles: z.number().int() }),
  /** The SIP server dispatch registers with; null: none (the reason says why). */
  sip: SipServerInfoSchema.nullable(),
  sipUnavailableReason: z.string().nullable(),
});
export type BackendHello = z.infer<typeof BackendHelloSchema>;

/** Where a backend serves its demo cameras over HTTP: `<stream>.m3u8` (a live playlist) and `<stream>/<sequence>.ts`. */
export const DEMO_MEDIA_PATH = '/media/demo/';

/** Replies to acknowledged requests: errors cross as data, as on the host API. */
export type BackendReply<T> = { ok: true; value: T } | { ok: false; error: string };

export const BackendReplySchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]);

/** A request with no parameters carries null, so every method has the same (request, reply) shape on the wire. */
const NoParams = z.null();
const SyncPullRequestSchema = z.object({ after: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict();

export const SipAccountRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dispatcher'), displayName: z.string().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('crew'), crewId: CrewIdSchema }).strict(),
]);
export type SipAccountRequest = z.infer<typeof SipAccountRequestSchema>;

export const CrewReportRequestSchema = CrewReportSchema.extend({ crewId: CrewIdSchema }).strict();

/**
 * Every method a console calls on the backend: its request and its reply, defined once. The backend validates each
 * request against its schema before its handler runs (a method without a handler is a compile error there), and the
 * console validates each reply: the backend is another process, so nothing is trusted either way.
 */
export const backendMethods = {
  hello: { request: NoParams, reply: BackendHelloSchema },
  'directory:crews': { request: CrewQuerySchema, reply: z.array(CrewSchema) },
  /** A crew terminal's status and position, relayed by the console that serves it. */
  'crews:report': { request: CrewReportRequestSchema, reply: CrewSchema },
  /** The SIP account of this console's dispatcher seat, or of a crew's terminal that this console serves. */
  'sip:account': { request: SipAccountRequestSchema, reply: SipAccountSchema },
  'feed:summary': { request: NoParams, reply: FeedSummarySchema },
  'incidents:list': { request: NoParams, reply: z.array(IncidentSchema) },
  'sensors:abnormal': { request: NoParams, reply: z.array(SensorReadingSchema) },
  'sensors:history': { request: z.string().max(40), reply: SensorHistorySchema },
  /** What each device source and city system has sent, and what was refused and why. */
  'ingest:stats': { request: NoParams, reply: IngestStatsSchema },
  'incidents:inject-drill': { request: DrillInjectionSchema, reply: IncidentSchema },
  'incidents:register': { request: IncidentReportSchema, reply: IncidentSchema },
  /**
   * Stores records (idempotently, by key); replies with what is stored, what conflicted and what was refused. The push
   * is only a bounded list here: each record in it is checked on its own, so one bad record is refused with its reason.
   */
  'sync:push': { request: z.array(z.unknown()).max(MAX_SYNC_BATCH_RECORDS), reply: PushResultSchema },
  /** Everything logged after `after` (a console catching up after being offline), oldest first, at most `limit` rows. */
  'sync:pull': { request: SyncPullRequestSchema, reply: SyncPageSchema },
  /** The camera catalogue: the demo cameras and the configured ones, with where each stream plays from. */
  'cameras:catalogue': { request: NoParams, reply: z.array(CatalogueCameraSchema) },
  /** The given /media paths (from the catalogue) as signed, short-lived URL paths a window's player may fetch. */
  'media:sign': { request: z.array(MediaPathSchema).min(1).max(16), reply: z.array(z.string().regex(/^\/media\/[^\s]+$/)) },
  /** A PTZ command for a camera whose head the backend drives; it passes it on to the camera. */
  'ptz:command': { request: PtzRequestSchema, reply: PtzResultSchema },
  /** The SFU's router capabilities, which a window's mediasoup-client device loads before it consumes. */
  'sfu:capabilities': { request: NoParams, reply: RtpCapabilitiesSchema },
  /** A WebRTC transport and a consumer of one stream for one tile (closed with `sfu:close`, or with the console). */
  'sfu:open': { request: SfuOpenRequestSchema, reply: SfuSessionSchema },
  'sfu:connect': { request: SfuConnectRequestSchema, reply: z.null() },
  'sfu:close': { request: SfuCloseRequestSchema, reply: z.null() },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;

export type BackendMethodName = keyof typeof backendMethods;
export type BackendRequest<M extends BackendMethodName> = z.input<(typeof backendMethods)[M]['request']>;
export type BackendResult<M extends BackendMethodName> = z.output<(typeof backendMethods)[M]['reply']>;

/** What the backend pushes to every console. */
export const backendEvents = {
  'feed:summary': FeedSummarySchema,
  'feed:tick': FeedTickSchema,
  'incidents:changed': z.array(IncidentSchema),
  /** Records a console pushed, as the backend logged them, in sequence order (to the sender too). */
  'sync:records': z.array(LoggedRecordSchema),
  'sync:conflict': SyncConflictSchema,
} as const satisfies Record<string, z.ZodType>;

export type BackendEventName = keyof typeof backendEvents;

/** socket.io's typed view of the tables above. */
export type BackendClientToServerEvents = {
  [M in BackendMethodName]: (request: BackendRequest<M>, reply: (result: BackendReply<BackendResult<M>>) => void) => void;
};
export type BackendServerToClientEvents = { [E in BackendEventName]: (payload: z.output<(typeof backendEvents)[E]>) => void };
