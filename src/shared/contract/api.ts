import { z } from 'zod';
import { BackendStatusSchema } from '../domain/backend.js';
import { BasemapSchema, CityAboutSchema } from '../domain/basemap.js';
import { CrewQuerySchema, CrewSchema } from '../domain/directory.js';
import { FeedSummarySchema, FeedTickSchema, IncidentReportSchema, IncidentSchema, SensorHistorySchema, SensorReadingSchema } from '../domain/feed.js';
import { HostInfoSchema } from '../domain/host.js';
import { IngestStatsSchema } from '../ingest/index.js';
import { SavedViewBodySchema, SavedViewNameSchema, SavedViewSchema } from '../map/saved-views.js';
import { CameraStreamsSchema, CameraSummarySchema, GroupCameraSchema, NearbyCameraSchema, SelectionSchema, SharedStateSchema } from '../domain/shared-state.js';
import { RoleSchema } from '../domain/roles.js';
import { CameraGroupSchema, SceneEntrySchema, SceneIdSchema, SceneSchema } from '../wall/scenes.js';
import { WallDisplaysSchema } from '../wall/displays.js';
import { WallPlayRequestSchema } from '../wall/wall-play.js';
import { SavedWindowStateSchema, ScreenKeySchema, WindowStateSchema } from '../wall/window-state.js';
import { LngLatSchema } from '../domain/geo.js';
import { SettingsPatchSchema, SettingsSchema } from '../domain/settings.js';
import { PlanSchema } from '../plans/plan-schema.js';
import { SyncStatusSchema } from '../sync/sync-records.js';
import {
  PlanFileProblemSchema,
  PlanLibrarySchema,
  PlanSummarySchema,
  ProposalSchema,
  RunCommandParamsSchema,
  RunSummarySchema,
  RunViewSchema,
  StartRunParamsSchema,
} from '../plans/plan-views.js';
import { CrewIdSchema, CrewReportSchema } from '../domain/directory.js';
import { SipAccountSchema } from '../dispatch/sip-account.js';
import { CallKpisSchema, CallRecordSchema } from '../dispatch/call-record.js';
import { CallPartySchema, CallRequestSchema, ResolveTargetParamsSchema, ResolvedTargetSchema } from '../dispatch/call-request.js';
import { CrewGroupSchema } from '../city/schemas.js';
import { DtlsParametersSchema, RtpCapabilitiesSchema, SfuCloseRequestSchema, SfuOpenRequestSchema, SfuSessionSchema, SfuSessionIdSchema } from '../media/webrtc.js';
import { PtzRequestSchema, PtzResultSchema } from '../media/ptz.js';
import { SnapshotListSchema, SnapshotSaveSchema, SnapshotSchema } from '../media/snapshots.js';
import { PrincipalSchema, CredentialIdSchema } from '../identity/principal.js';
import {
  CredentialSummarySchema,
  DeviceCredentialRequestSchema,
  IssuedCredentialSchema,
  OneTimeCodeSchema,
  PasswordSchema,
  SignInSchema,
  UserSaveSchema,
  UserSchema,
} from '../identity/accounts.js';
import type { ApiResponse } from './errors.js';

const NoParams = z.object({}).strict();

/**
 * Everything the renderer may ask of its host. Both hosts (Electron IPC and the web host's WebSocket) serve exactly
 * this map; a method missing from a host's handlers is a compile error, and every params payload is parsed with its
 * schema at the host boundary before a handler sees it.
 */
export const apiMethods = {
  'host.info': { params: NoParams, result: HostInfoSchema },
  // ---- who is calling (see src/shared/identity/access.ts for what each may do) ----
  /** The caller as the host knows it from its credential (anonymous: not signed in). */
  'session.current': { params: NoParams, result: PrincipalSchema },
  /** Signs this window in (the web host's pages sign in over HTTP, which also sets their cookie). */
  'session.signIn': { params: SignInSchema, result: PrincipalSchema },
  /** Uses a one-time code: the start-up sign-in link, or a crew phone's or wall screen's enrolment. */
  'session.redeem': { params: z.object({ code: OneTimeCodeSchema }).strict(), result: PrincipalSchema },
  'session.signOut': { params: NoParams, result: PrincipalSchema },
  /** 锁屏: the wall stays visible, every command is refused until the same user unlocks with their password. */
  'session.lock': { params: NoParams, result: PrincipalSchema },
  'session.unlock': { params: z.object({ password: z.string().min(1).max(200) }).strict(), result: PrincipalSchema },
  'session.changePassword': { params: z.object({ currentPassword: z.string().min(1).max(200), newPassword: PasswordSchema }).strict(), result: z.null() },
  'users.list': { params: NoParams, result: z.array(UserSchema) },
  /** Adds or changes a user; the last enabled administrator cannot be disabled or lose the role. */
  'users.save': { params: UserSaveSchema, result: z.array(UserSchema) },
  /** Sessions and device credentials that can reach this host (not the revoked ones older than a day). */
  'credentials.list': { params: NoParams, result: z.array(CredentialSummarySchema) },
  /** A credential for a crew's phone or a kiosk wall screen, with the one-time code it enrols with. */
  'credentials.issue': { params: DeviceCredentialRequestSchema, result: IssuedCredentialSchema },
  /** Ends a session or a device's access at once (its open connections close). */
  'credentials.revoke': { params: z.object({ credentialId: CredentialIdSchema }).strict(), result: z.array(CredentialSummarySchema) },
  'backend.status': { params: NoParams, result: BackendStatusSchema },
  'settings.get': { params: NoParams, result: SettingsSchema },
  'settings.update': { params: SettingsPatchSchema, result: SettingsSchema },
  'city.basemap': { params: NoParams, result: BasemapSchema },
  'city.about': { params: NoParams, result: CityAboutSchema },
  'cameras.near': {
    params: z.object({ position: LngLatSchema, count: z.number().int().min(1).max(64), radiusM: z.number().positive().max(50_000) }).strict(),
    result: z.array(NearbyCameraSchema),
  },
  /** The cameras of a scene's camera group, most serious sites first. */
  'cameras.group': { params: z.object({ group: CameraGroupSchema, count: z.number().int().min(1).max(64) }).strict(), result: z.array(GroupCameraSchema) },
  'cameras.streams': { params: z.object({ cameraId: z.string().regex(/^CM\d{6}$/) }).strict(), result: CameraStreamsSchema },
  /** Moves a camera's PTZ head (the backend passes the command on to the camera). */
  'cameras.ptz': { params: PtzRequestSchema, result: PtzResultSchema },
  /** Stores a still taken from a tile, linked to the incident it documents. */
  'snapshots.save': { params: SnapshotSaveSchema, result: SnapshotSchema },
  /** An incident's stills (null: the newest of all), newest first. */
  'snapshots.list': { params: SnapshotListSchema, result: z.array(SnapshotSchema) },
  'snapshots.image': { params: z.object({ id: z.uuid() }).strict(), result: z.object({ jpegBase64: z.string() }).strict() },
  // ---- video wall: WebRTC cameras, signalled through the host to the backend's SFU ----
  /** The SFU's router capabilities, for the window's mediasoup-client device. */
  'webrtc.capabilities': { params: NoParams, result: RtpCapabilitiesSchema },
  /** A receiving transport with a consumer of one SFU stream, for one tile. */
  'webrtc.open': { params: SfuOpenRequestSchema, result: SfuSessionSchema },
  'webrtc.connect': { params: z.object({ sessionId: SfuSessionIdSchema, dtlsParameters: DtlsParametersSchema }).strict(), result: z.null() },
  /** The tile let its stream go (its player was disposed). */
  'webrtc.close': { params: SfuCloseRequestSchema, result: z.null() },
  /** The camera list an operator drags cameras from onto the wall: by name, code or id. */
  'cameras.search': { params: z.object({ text: z.string().max(50), limit: z.number().int().min(1).max(200) }).strict(), result: z.array(CameraSummarySchema) },
  /** The whole camera catalogue (the city's cameras and the cameras file's), for the map's camera layer. */
  'cameras.catalogue': { params: NoParams, result: z.array(CameraSummarySchema) },
  /** The operator handled an alarm popped up on the wall: its cameras leave the reserved tiles on every window. */
  'alarms.acknowledge': { params: z.object({ incidentId: z.string().min(1).max(60) }).strict(), result: SharedStateSchema },
  /** Asks a video wall window to play a camera on its own; `delivered` 0: no video window is open. */
  'wallPlay.request': { params: WallPlayRequestSchema, result: z.object({ delivered: z.number().int() }).strict() },
  /** The first video window to claim a play request plays it; the others leave it (true: this window won). */
  'wallPlay.claim': { params: z.object({ requestId: WallPlayRequestSchema.shape.requestId }).strict(), result: z.boolean() },
  'shared.get': { params: NoParams, result: SharedStateSchema },
  /** Focus an incident on every window of this console (null clears the focus). */
  'shared.focusIncident': { params: z.object({ incidentId: z.string().min(1).nullable() }).strict(), result: SharedStateSchema },
  /** Select an object on every map window of this console (null clears the selection). */
  'shared.select': { params: z.object({ selection: SelectionSchema.nullable() }).strict(), result: SharedStateSchema },
  'directory.crews': { params: CrewQuerySchema, result: z.array(CrewSchema) },
  'feed.summary': { params: NoParams, result: FeedSummarySchema.nullable() },
  /** Sensors not in their normal state now: a window that opens late starts from these, then follows the ticks. */
  'sensors.abnormal': { params: NoParams, result: z.array(SensorReadingSchema) },
  'sensors.history': { params: z.object({ sensorId: z.string().regex(/^SN\d{6}$/) }).strict(), result: SensorHistorySchema },
  'incidents.list': { params: NoParams, result: z.array(IncidentSchema) },
  /** Registers an incident reported by phone, patrol or another system. */
  'incidents.report': { params: IncidentReportSchema, result: IncidentSchema },
  /** What each device source and city system has sent the backend, and what was refused and why (the ingestion panel). */
  'ingest.stats': { params: z.object({}).strict(), result: IngestStatsSchema },
  'plans.library': { params: NoParams, result: PlanLibrarySchema },
  'plans.get': { params: z.object({ planId: z.string().min(1) }).strict(), result: PlanSchema },
  /** Adds a plan file (validated like the files in plans/); problems come back with line and column. */
  'plans.import': {
    params: z.object({ text: z.string().min(1).max(1_000_000) }).strict(),
    result: z.object({ library: PlanLibrarySchema, problems: z.array(PlanFileProblemSchema) }),
  },
  'plans.export': { params: z.object({ planId: z.string().min(1) }).strict(), result: z.object({ fileName: z.string(), text: z.string() }) },
  'plans.forIncident': { params: z.object({ incidentId: z.string().min(1) }).strict(), result: z.array(PlanSummarySchema) },
  'runs.list': { params: NoParams, result: z.array(RunSummarySchema) },
  'runs.get': { params: z.object({ runId: z.string().min(1) }).strict(), result: RunViewSchema },
  'runs.start': { params: StartRunParamsSchema, result: RunViewSchema },
  'runs.command': { params: RunCommandParamsSchema, result: RunViewSchema },
  /** This console takes over driving another console's active run (its driver went away), with the reason. */
  'runs.takeOver': { params: z.object({ runId: z.string().min(1).max(100), reason: z.string().trim().min(1).max(2000) }).strict(), result: RunViewSchema },
  'sync.status': { params: NoParams, result: SyncStatusSchema },
  'proposals.list': { params: NoParams, result: z.array(ProposalSchema) },
  'proposals.dismiss': { params: z.object({ incidentId: z.string().min(1), planId: z.string().min(1) }).strict(), result: z.array(ProposalSchema) },
  /** A drill operator stages the plan's first trigger as a drill incident (kept apart from live figures). */
  'drills.inject': { params: z.object({ planId: z.string().min(1) }).strict(), result: IncidentSchema },
  /** Wall scenes, built-in ones first. */
  'scenes.list': { params: NoParams, result: z.array(SceneEntrySchema) },
  /** Puts a scene on every window of this console (the emergency scene is put up by plan runs only). */
  'scenes.apply': { params: z.object({ sceneId: SceneIdSchema }).strict(), result: SharedStateSchema },
  /** Adds or replaces a scene (a built-in one keeps its place); the wall shows the new version if it is on it now. */
  'scenes.save': { params: z.object({ scene: SceneSchema }).strict(), result: SceneEntrySchema },
  /** A window's own state as it last saved it (null: never saved, or unreadable). */
  'window.loadState': { params: z.object({ role: RoleSchema, screen: ScreenKeySchema }).strict(), result: SavedWindowStateSchema.nullable() },
  'window.saveState': { params: z.object({ role: RoleSchema, screen: ScreenKeySchema, state: WindowStateSchema }).strict(), result: SavedWindowStateSchema },
  /** The displays of the wall with the configured screens on each (nominal ones on the web host). */
  'wall.displays': { params: NoParams, result: WallDisplaysSchema },
  /** Named map views shared by the console's map windows (stored in the current format, upgraded when read). */
  'mapViews.list': { params: NoParams, result: z.array(SavedViewSchema) },
  'mapViews.save': { params: z.object({ name: SavedViewNameSchema, body: SavedViewBodySchema }).strict(), result: z.array(SavedViewSchema) },
  'mapViews.delete': { params: z.object({ name: SavedViewNameSchema }).strict(), result: z.array(SavedViewSchema) },
  // ---- dispatch (直呼一线) ----
  /** This console's dispatcher seat on the SIP server: the window holding the seat registers with it. */
  'dispatch.account': { params: NoParams, result: SipAccountSchema },
  /** The directory's call groups (a district's crews, a speciality's crews). */
  'dispatch.groups': { params: NoParams, result: z.array(CrewGroupSchema) },
  /** A plan's call target as crews to call now; a drill resolves within the drill roster only. */
  'dispatch.resolveTarget': { params: ResolveTargetParamsSchema, result: ResolvedTargetSchema },
  /** Asks the window holding the dispatcher seat to place a call; `delivered` 0: no window holds it. */
  'calls.request': { params: CallRequestSchema, result: z.object({ delivered: z.number().int() }).strict() },
  /** The first window to claim a request places it; the others leave it (true: this window won). */
  'calls.claim': { params: z.object({ requestId: CallRequestSchema.shape.requestId }).strict(), result: z.boolean() },
  /** Writes a call's current state to the call log (a call that has ended is never reopened). */
  'calls.save': { params: CallRecordSchema, result: CallRecordSchema },
  'calls.log': { params: z.object({ limit: z.number().int().min(1).max(1000) }).strict(), result: z.array(CallRecordSchema) },
  /** Time to answer, missed and failed calls since the start of the Beijing day. */
  'calls.kpis': { params: NoParams, result: CallKpisSchema },
  /** A crew terminal served by this host: the crew's SIP account and directory entry. */
  'crewTerminal.account': {
    params: z.object({ crewId: CrewIdSchema }).strict(),
    result: z.object({ account: SipAccountSchema, crew: CrewSchema }).strict(),
  },
  /** Who calls a crew terminal (or is named in a transfer): the crew with that SIP extension, null for none. */
  'crewTerminal.identify': { params: z.object({ crewId: CrewIdSchema, user: z.string().regex(/^\d{3,8}$/) }).strict(), result: CallPartySchema.nullable() },
  /** A crew terminal's status and position, passed on to the backend. */
  'crewTerminal.report': { params: CrewReportSchema.extend({ crewId: CrewIdSchema }).strict(), result: CrewSchema },
} as const;

/** Events the host pushes to the windows that subscribed to them. */
export const apiEvents = {
  /** This connection's caller changed (signed in or out, locked, unlocked, revoked). */
  'session.changed': PrincipalSchema,
  'backend.status': BackendStatusSchema,
  'settings.changed': SettingsSchema,
  'feed.summary': FeedSummarySchema,
  'feed.tick': FeedTickSchema,
  'incidents.changed': z.array(IncidentSchema),
  /** A run started or moved on (on this console). */
  'runs.changed': RunViewSchema,
  /** Records waiting for the backend, and conflicts to resolve. */
  'sync.status': SyncStatusSchema,
  'proposals.changed': z.array(ProposalSchema),
  'shared.changed': SharedStateSchema,
  /** A scene was saved: every window's scene picker lists the new set. */
  'scenes.changed': z.array(SceneEntrySchema),
  'mapViews.changed': z.array(SavedViewSchema),
  /** A call for the window holding the dispatcher seat to place (claim it first). */
  'calls.requested': CallRequestSchema,
  /** A camera for a video wall window to play on its own (claim it first). */
  'wallPlay.requested': WallPlayRequestSchema,
  /** A still was taken on a window of this console. */
  'snapshots.saved': SnapshotSchema,
  /** A call was logged or moved on; the figures as they are now. */
  'calls.changed': z.object({ record: CallRecordSchema, kpis: CallKpisSchema }).strict(),
} as const;

export type ApiMethods = typeof apiMethods;
export type ApiMethodName = keyof ApiMethods;
export type ApiEventName = keyof typeof apiEvents;
/** What a caller passes (before defaults are applied). */
export type ApiParams<M extends ApiMethodName> = z.input<ApiMethods[M]['params']>;
/** What a handler receives (after parsing). */
export type ApiParsedParams<M extends ApiMethodName> = z.output<ApiMethods[M]['params']>;
export type ApiResult<M extends ApiMethodName> = z.output<ApiMethods[M]['result']>;
export type ApiEventPayload<E extends ApiEventName> = z.output<(typeof apiEvents)[E]>;

export const apiMethodNames = Object.keys(apiMethods) as ApiMethodName[];

export function isApiMethodName(name: string): name is ApiMethodName {
  return Object.hasOwn(apiMethods, name);
}

export function isApiEventName(name: string): name is ApiEventName {
  return Object.hasOwn(apiEvents, name);
}

export type Unsubscribe = () => void;

/**
 * The one object the renderer talks to. The Electron preload exposes an object that `satisfies` this type; the web
 * host's client implements it over a WebSocket. Calls never reject for host-side failures: they resolve to
 * `{ ok: false, error }`.
 */
export interface HostBridge {
  call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResponse<ApiResult<M>>>;
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEventPayload<E>) => void): Unsubscribe;
}
