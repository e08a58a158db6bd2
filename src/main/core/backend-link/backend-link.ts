import { io, type Socket } from 'socket.io-client';
import type { PtzRequest, PtzResult } from '../../../shared/media/ptz.js';
import type { z } from 'zod';
import {
  BACKEND_PROTOCOL_VERSION,
  backendSchemas,
  type BackendClientToServerEvents,
  type BackendServerToClientEvents,
  type SipAccountRequest,
} from '../../../shared/backend/protocol.js';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { CLOCK_SKEW_WARNING_MS, type BackendConnectionState, type BackendStatus } from '../../../shared/domain/backend.js';
import type { Crew, CrewQuery, CrewReport } from '../../../shared/domain/directory.js';
import type { SipAccount, SipServerInfo } from '../../../shared/dispatch/sip-account.js';
import type { DrillInjection, FeedSummary, Incident, IncidentReport, SensorHistory, SensorReading } from '../../../shared/domain/feed.js';
import type { IngestStats } from '../../../shared/ingest/index.js';
import type { LoggedRecord, PushResult, SyncConflict, SyncPage, SyncRecord } from '../../../shared/sync/sync-records.js';
import type { CatalogueCamera } from '../../../shared/media/cameras.js';
import type { RtpCapabilitiesPayload, SfuCloseRequest, SfuConnectRequest, SfuOpenRequest, SfuSession } from '../../../shared/media/webrtc.js';
import type { Logger } from '../../../node/logger.js';
import type { EventHub } from '../api/index.js';
import { systemClock, type Clock } from '../clock/index.js';

export interface BackendLinkOptions {
  url: string;
  embedded: boolean;
  consoleId: string;
  appVersion: string;
  /** This console's credential for the backend (`--backend-token-file`; the embedded backend's is made in-process). */
  credential?: string;
  /** The certificate (PEM) to trust for a backend on https/wss whose certificate no public authority signed (its self-signed one). */
  ca?: string;
  hub: EventHub;
  logger: Logger;
  /** How long a request waits for the backend before it fails as unavailable. */
  requestTimeoutMs?: number;
  /** The console's clock (the skew to the backend is measured against it); the system's when absent. */
  clock?: Clock;
}

type BackendSocket = Socket<BackendServerToClientEvents, BackendClientToServerEvents>;

/**
 * The console's one connection to the command-centre backend. It keeps reconnecting on its own, publishes every change
 * of state to the windows, and checks everything the backend sends against the shared protocol schemas.
 */
export class BackendLink {
  private readonly socket: BackendSocket;
  private status: BackendStatus;
  private lastSummary: FeedSummary | null = null;
  /** This console's clock minus the backend's, measured on the last summary (0 until one came). */
  private clockOffsetMs = 0;
  private sip: { info: SipServerInfo | null; unavailableReason: string | null } = { info: null, unavailableReason: null };
  private readonly requestTimeoutMs: number;
  private readonly clock: Clock;
  private readonly syncListeners = new Set<{
    connected(): void;
    records(records: LoggedRecord[]): void;
    conflict(conflict: SyncConflict): void;
  }>();

  constructor(private readonly options: BackendLinkOptions) {
    this.clock = options.clock ?? systemClock;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.status = {
      state: 'connecting',
      url: options.url,
      embedded: options.embedded,
      since: this.clock.now().toISOString(),
      lastError: null,
      serverVersion: null,
      clockSkewSeconds: null,
    };
    this.socket = io(options.url, {
      // Its own connection: socket.io-client would otherwise hand a second link to the same URL (a link made again
      // after dispose, or another console in the same process) the first one's socket and its listeners.
      forceNew: true,
      transports: ['websocket'],
      ...(options.ca ? { ca: options.ca } : {}),
      reconnectionDelay: 250,
      reconnectionDelayMax: 2000,
      // socket.io's own jittered back-off (its default, named here): consoles that lost one backend spread their returns.
      randomizationFactor: 0.5,
      auth: {
        protocol: BACKEND_PROTOCOL_VERSION,
        consoleId: options.consoleId,
        appVersion: options.appVersion,
        ...(options.credential ? { credential: options.credential } : {}),
      },
    });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', (reason) => this.setState('disconnected', `disconnected: ${reason}`));
    this.socket.on('connect_error', (error) => this.onConnectError(error));
    this.socket.on('feed:summary', (summary) => {
      const parsed = this.accept(backendSchemas.feedSummary, summary, 'feed:summary');
      if (!parsed) return;
      this.takeSummary(parsed);
    });
    this.socket.on('feed:tick', (tick) => {
      const parsed = this.accept(backendSchemas.feedTick, tick, 'feed:tick');
      if (parsed) options.hub.emit('feed.tick', parsed);
    });
    this.socket.on('sync:records', (records) => {
      const parsed = this.accept(backendSchemas.loggedRecords, records, 'sync:records');
      if (parsed) for (const listener of this.syncListeners) listener.records(parsed);
    });
    this.socket.on('sync:conflict', (conflict) => {
      const parsed = this.accept(backendSchemas.conflict, conflict, 'sync:conflict');
      if (parsed) for (const listener of this.syncListeners) listener.conflict(parsed);
    });
    this.socket.on('incidents:changed', (incidents) => {
      const parsed = this.accept(backendSchemas.incidentList, incidents, 'incidents:changed');
      if (parsed) options.hub.emit('incidents.changed', parsed);
    });
  }

  getStatus(): BackendStatus {
    return this.status;
  }

  /**
   * The backend's time now, as best this console knows it (its own clock corrected by the offset measured on every
   * summary): what incidents' times, which the backend stamps, are compared with.
   */
  backendNow(): Date {
    return new Date(this.clock.now().getTime() - this.clockOffsetMs);
  }

  getSummary(): FeedSummary | null {
    return this.lastSummary;
  }

  /** The SIP server the backend named in its hello; null before the first hello or when it has none. */
  sipServer(): { info: SipServerInfo | null; unavailableReason: string | null } {
    return this.sip;
  }

  sipAccount(request: SipAccountRequest): Promise<SipAccount> {
    return this.request(backendSchemas.sipAccount, (reply) => this.connectedSocket().emit('sip:account', request, reply));
  }

  reportCrew(report: { crewId: string } & CrewReport): Promise<Crew> {
    return this.request(backendSchemas.crew, (reply) => this.connectedSocket().emit('crews:report', report, reply));
  }

  async crews(query: CrewQuery): Promise<Crew[]> {
    return this.request(backendSchemas.crews, (reply) => this.connectedSocket().emit('directory:crews', query, reply));
  }

  async incidents(): Promise<Incident[]> {
    return this.request(backendSchemas.incidents, (reply) => this.connectedSocket().emit('incidents:list', reply));
  }

  abnormalSensors(): Promise<SensorReading[]> {
    return this.request(backendSchemas.abnormalSensors, (reply) => this.connectedSocket().emit('sensors:abnormal', reply));
  }

  ingestStats(): Promise<IngestStats> {
    return this.request(backendSchemas.ingestStats, (reply) => this.connectedSocket().emit('ingest:stats', reply));
  }

  sensorHistory(sensorId: string): Promise<SensorHistory> {
    return this.request(backendSchemas.sensorHistory, (reply) => this.connectedSocket().emit('sensors:history', sensorId, reply));
  }

  registerIncident(report: IncidentReport): Promise<Incident> {
    return this.request(backendSchemas.incident, (reply) => this.connectedSocket().emit('incidents:register', report, reply));
  }

  injectDrillIncident(injection: DrillInjection): Promise<Incident> {
    return this.request(backendSchemas.incident, (reply) => this.connectedSocket().emit('incidents:inject-drill', injection, reply));
  }

  /** Catalogue paths (/media/…) as signed paths the backend serves for a while. */
  signMediaPaths(paths: string[]): Promise<string[]> {
    return this.request(backendSchemas.signedMediaPaths, (reply) => this.connectedSocket().emit('media:sign', paths, reply));
  }

  cameraCatalogue(): Promise<CatalogueCamera[]> {
    return this.request(backendSchemas.catalogue, (reply) => this.connectedSocket().emit('cameras:catalogue', reply));
  }

  ptz(request: PtzRequest): Promise<PtzResult> {
    return this.request(backendSchemas.ptzResult, (reply) => this.connectedSocket().emit('ptz:command', request, reply));
  }

  sfuCapabilities(): Promise<RtpCapabilitiesPayload> {
    return this.request(backendSchemas.sfuCapabilities, (reply) => this.connectedSocket().emit('sfu:capabilities', reply));
  }

  sfuOpen(request: SfuOpenRequest): Promise<SfuSession> {
    return this.request(backendSchemas.sfuSession, (reply) => this.connectedSocket().emit('sfu:open', request, reply));
  }

  sfuConnect(request: SfuConnectRequest): Promise<null> {
    return this.request(backendSchemas.sfuDone, (reply) => this.connectedSocket().emit('sfu:connect', request, reply));
  }

  sfuClose(request: SfuCloseRequest): Promise<null> {
    return this.request(backendSchemas.sfuDone, (reply) => this.connectedSocket().emit('sfu:close', request, reply));
  }

  push(records: SyncRecord[]): Promise<PushResult> {
    return this.request(backendSchemas.pushResult, (reply) => this.connectedSocket().emit('sync:push', records, reply));
  }

  pull(after: number, limit: number): Promise<SyncPage> {
    return this.request(backendSchemas.pulled, (reply) => this.connectedSocket().emit('sync:pull', { after, limit }, reply));
  }

  isConnected(): boolean {
    return this.status.state === 'connected';
  }

  /** The sync service's hooks: (re)connected, records from other consoles, conflicts. */
  onSync(listener: { connected(): void; records(records: LoggedRecord[]): void; conflict(conflict: SyncConflict): void }): () => void {
    this.syncListeners.add(listener);
    return () => this.syncListeners.delete(listener);
  }

  dispose(): void {
    this.syncListeners.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private async onConnect(): Promise<void> {
    try {
      const hello = await this.request(backendSchemas.hello, (reply) => this.socket.emit('hello', reply));
      this.status = { ...this.status, serverVersion: hello.serverVersion };
      this.sip = { info: hello.sip, unavailableReason: hello.sipUnavailableReason };
      this.setState('connected', null);
      for (const listener of this.syncListeners) listener.connected();
      const summary = await this.request(backendSchemas.summary, (reply) => this.socket.emit('feed:summary', reply));
      this.takeSummary(summary);
    } catch (error) {
      this.options.logger.warn('backend handshake failed', { error });
    }
  }

  /** A summary carries the backend's time: the console's offset from it is measured on each (a second apart). */
  private takeSummary(summary: FeedSummary): void {
    this.lastSummary = summary;
    const backendTime = Date.parse(summary.at);
    if (Number.isFinite(backendTime)) {
      this.clockOffsetMs = this.clock.now().getTime() - backendTime;
      const skew = Math.abs(this.clockOffsetMs) > CLOCK_SKEW_WARNING_MS ? Math.round(this.clockOffsetMs / 1000) : null;
      const shown = this.status.clockSkewSeconds;
      // A second of network jitter is not news to every window.
      if ((skew === null) !== (shown === null) || (skew !== null && shown !== null && Math.abs(skew - shown) >= 2)) {
        if (skew !== null && shown === null) this.options.logger.warn('this console\'s clock is off from the backend\'s; alarms use the backend\'s time', { aheadBySeconds: skew });
        this.status = { ...this.status, clockSkewSeconds: skew };
        this.options.hub.emit('backend.status', this.status);
      }
    }
    this.options.hub.emit('feed.summary', summary);
  }

  private onConnectError(error: Error): void {
    const data = (error as Error & { data?: { reason?: string } }).data;
    // Retrying cannot help until one side is upgraded, or the console is given a valid credential (a restart with
    // --backend-token-file): stop hammering the server and say why.
    if (data?.reason === 'incompatible-protocol' || data?.reason === 'unauthorized') {
      this.socket.io.reconnection(false);
      this.setState(data.reason === 'unauthorized' ? 'unauthorized' : 'incompatible', error.message);
      return;
    }
    this.setState('disconnected', error.message);
  }

  private setState(state: BackendConnectionState, lastError: string | null): void {
    if (this.status.state === state && this.status.lastError === lastError) return;
    const changed = this.status.state !== state;
    this.status = {
      ...this.status,
      state,
      lastError: lastError ?? (state === 'connected' ? null : this.status.lastError),
      since: changed ? this.clock.now().toISOString() : this.status.since,
    };
    if (changed) this.options.logger.info('backend connection', { state, url: this.options.url, lastError });
    this.options.hub.emit('backend.status', this.status);
  }

  private connectedSocket(): BackendSocket {
    if (!this.socket.connected) {
      throw new ApiFailure(apiError('unavailable', `The command-centre backend at ${this.options.url} is not connected.`));
    }
    return this.socket;
  }

  private request<T>(
    schema: z.ZodType<{ ok: true; value: T } | { ok: false; error: string }>,
    send: (reply: (raw: unknown) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ApiFailure(apiError('unavailable', `The backend did not answer within ${this.requestTimeoutMs} ms.`)));
      }, this.requestTimeoutMs);
      try {
        send((raw) => {
          clearTimeout(timer);
          const reply = schema.safeParse(raw);
          if (!reply.success) {
            this.options.logger.warn('backend reply does not match the protocol', { issues: reply.error.issues });
            reject(new ApiFailure(apiError('unavailable', 'The backend sent a reply this console cannot read.')));
          } else if (!reply.data.ok) {
            reject(new ApiFailure(apiError('unavailable', reply.data.error)));
          } else {
            resolve(reply.data.value);
          }
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  private accept<T>(schema: z.ZodType<T>, payload: unknown, event: string): T | null {
    const parsed = schema.safeParse(payload);
    if (parsed.success) return parsed.data;
    this.options.logger.warn('dropped a backend event that does not match the protocol', { event });
    return null;
  }
}
