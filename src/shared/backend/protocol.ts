import { z } from 'zod';
import { CrewIdSchema, CrewQuerySchema, CrewReportSchema, CrewSchema, type Crew, type CrewQuery, type CrewReport } from '../domain/directory.js';
import { SipAccountSchema, SipServerInfoSchema, type SipAccount } from '../dispatch/sip-account.js';
import {
  LoggedRecordSchema,
  PushResultSchema,
  SyncConflictSchema,
  SyncPageSchema,
  type LoggedRecord,
  type SyncPage,
  type PushResult,
  type SyncConflict,
  type SyncRecord,
} from '../sync/sync-records.js';
import {
  DrillInjectionSchema,
  IncidentReportSchema,
  type DrillInjection,
  type IncidentReport,
  FeedSummarySchema,
  FeedTickSchema,
  IncidentSchema,
  SensorHistorySchema,
  SensorReadingSchema,
  type SensorHistory,
  type SensorReading,
  type FeedSummary,
  type FeedTick,
  type Incident,
} from '../domain/feed.js';
import { CatalogueCameraSchema, MediaPathSchema, type CatalogueCamera } from '../media/cameras.js';
import { PtzResultSchema, type PtzRequest, type PtzResult } from '../media/ptz.js';
import { IngestStatsSchema, type IngestStats } from '../ingest/ingest-stats.js';
import {
  RtpCapabilitiesSchema,
  SfuCloseRequestSchema,
  SfuConnectRequestSchema,
  SfuOpenRequestSchema,
  SfuSessionSchema,
  type RtpCapabilitiesPayload,
  type SfuCloseRequest,
  type SfuConnectRequest,
  type SfuOpenRequest,
  type SfuSession,
} from '../media/webrtc.js';

/**
 * The socket.io protocol between a console and the command-centre backend. Bump the version on any incompatible
 * change; the backend refuses a console that speaks another version with a message saying which to install.
 */
export const BACKEND_PROTOCOL_VERSION = 4;

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

export interface BackendServerToClientEvents {
  'feed:summary': (summary: FeedSummary) => void;
  'feed:tick': (tick: FeedTick) => void;
  'incidents:changed': (incidents: Incident[]) => void;
  /** Records another console pushed, as the backend logged them. */
  'sync:records': (records: LoggedRecord[]) => void;
  'sync:conflict': (conflict: SyncConflict) => void;
}

export interface BackendClientToServerEvents {
  hello: (reply: (hello: BackendReply<BackendHello>) => void) => void;
  'directory:crews': (query: CrewQuery, reply: (crews: BackendReply<Crew[]>) => void) => void;
  /** A crew terminal's status and position, relayed by the console that serves it. */
  'crews:report': (report: { crewId: string } & CrewReport, reply: (crew: BackendReply<Crew>) => void) => void;
  /** The SIP account of this console's dispatcher seat, or of a crew's terminal that this console serves. */
  'sip:account': (request: SipAccountRequest, reply: (account: BackendReply<SipAccount>) => void) => void;
  'feed:summary': (reply: (summary: BackendReply<FeedSummary>) => void) => void;
  'incidents:list': (reply: (incidents: BackendReply<Incident[]>) => void) => void;
  'sensors:abnormal': (reply: (readings: BackendReply<SensorReading[]>) => void) => void;
  'sensors:history': (sensorId: string, reply: (history: BackendReply<SensorHistory>) => void) => void;
  'incidents:inject-drill': (injection: DrillInjection, reply: (incident: BackendReply<Incident>) => void) => void;
  'incidents:register': (report: IncidentReport, reply: (incident: BackendReply<Incident>) => void) => void;
  /** Stores records (idempotently, by key); replies with what is stored and what conflicted. */
  'sync:push': (records: SyncRecord[], reply: (result: BackendReply<PushResult>) => void) => void;
  /** Everything logged after `after` (a console catching up after being offline), oldest first, at most `limit` rows. */
  'sync:pull': (request: { after: number; limit: number }, reply: (page: BackendReply<SyncPage>) => void) => void;
  /** The camera catalogue: the demo cameras and the configured ones, with where each stream plays from. */
  'cameras:catalogue': (reply: (cameras: BackendReply<CatalogueCamera[]>) => void) => void;
  /** The given /media paths (from the catalogue) as signed, short-lived URL paths a window's player may fetch. */
  'media:sign': (paths: string[], reply: (signed: BackendReply<string[]>) => void) => void;
  /** A PTZ command for a camera whose head the backend drives; it passes it on to the camera. */
  'ptz:command': (request: PtzRequest, reply: (result: BackendReply<PtzResult>) => void) => void;
  /** The SFU's router capabilities, which a window's mediasoup-client device loads before it consumes. */
  'sfu:capabilities': (reply: (capabilities: BackendReply<RtpCapabilitiesPayload>) => void) => void;
  /** A WebRTC transport and a consumer of one stream for one tile (closed with `sfu:close`, or with the console). */
  'sfu:open': (request: SfuOpenRequest, reply: (session: BackendReply<SfuSession>) => void) => void;
  'sfu:connect': (request: SfuConnectRequest, reply: (done: BackendReply<null>) => void) => void;
  'sfu:close': (request: SfuCloseRequest, reply: (done: BackendReply<null>) => void) => void;
  /** What each device platform, system and the simulator has sent, and how devices reach the backend over MQTT. */
  'ingest:stats': (reply: (stats: BackendReply<IngestStats>) => void) => void;
}

export const SipAccountRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dispatcher'), displayName: z.string().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('crew'), crewId: CrewIdSchema }).strict(),
]);
export type SipAccountRequest = z.infer<typeof SipAccountRequestSchema>;

export const CrewReportRequestSchema = CrewReportSchema.extend({ crewId: CrewIdSchema }).strict();

/** Schemas a console uses to check what the backend sends; the backend is another process, so nothing is trusted. */
export const backendSchemas = {
  ptzResult: BackendReplySchema(PtzResultSchema),
  hello: BackendReplySchema(BackendHelloSchema),
  crews: BackendReplySchema(z.array(CrewSchema)),
  crew: BackendReplySchema(CrewSchema),
  sipAccount: BackendReplySchema(SipAccountSchema),
  sipAccountRequest: SipAccountRequestSchema,
  crewReport: CrewReportRequestSchema,
  summary: BackendReplySchema(FeedSummarySchema),
  incidents: BackendReplySchema(z.array(IncidentSchema)),
  incident: BackendReplySchema(IncidentSchema),
  abnormalSensors: BackendReplySchema(z.array(SensorReadingSchema)),
  sensorHistory: BackendReplySchema(SensorHistorySchema),
  drillInjection: DrillInjectionSchema,
  incidentReport: IncidentReportSchema,
  crewQuery: CrewQuerySchema,
  feedSummary: FeedSummarySchema,
  feedTick: FeedTickSchema,
  incidentList: z.array(IncidentSchema),
  pushResult: BackendReplySchema(PushResultSchema),
  pulled: BackendReplySchema(SyncPageSchema),
  loggedRecords: z.array(LoggedRecordSchema),
  conflict: SyncConflictSchema,
  catalogue: BackendReplySchema(z.array(CatalogueCameraSchema)),
  mediaPaths: z.array(MediaPathSchema).min(1).max(16),
  signedMediaPaths: BackendReplySchema(z.array(z.string().regex(/^\/media\/[^\s]+$/))),
  sfuCapabilities: BackendReplySchema(RtpCapabilitiesSchema),
  sfuSession: BackendReplySchema(SfuSessionSchema),
  sfuDone: BackendReplySchema(z.null()),
  sfuOpen: SfuOpenRequestSchema,
  sfuConnect: SfuConnectRequestSchema,
  sfuClose: SfuCloseRequestSchema,
  ingestStats: BackendReplySchema(IngestStatsSchema),
} as const;
