import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  BACKEND_PROTOCOL_VERSION,
  BackendReplySchema,
  backendEvents,
  backendMethods,
  type BackendClientToServerEvents,
  type BackendEventName,
  type BackendMethodName,
  type BackendRequest,
  type BackendResult,
  type BackendServerToClientEvents,
} from '../../../shared/backend/protocol.js';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { CLOCK_SKEW_WARNING_MS, type BackendConnectionState, type BackendStatus } from '../../../shared/domain/backend.js';
import type { SipServerInfo } from '../../../shared/dispatch/sip-account.js';
import type { FeedSummary } from '../../../shared/domain/feed.js';
import type { LoggedRecord, SyncConflict } from '../../../shared/sync/sync-records.js';
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
    this.onEvent('feed:summary', (summary) => this.takeSummary(summary));
    this.onEvent('feed:tick', (tick) => options.hub.emit('feed.tick', tick));
    this.onEvent('sync:records', (records) => {
      for (const listener of this.syncListeners) listener.records(records);
    });
    this.onEvent('sync:conflict', (conflict) => {
      for (const listener of this.syncListeners) listener.conflict(conflict);
    });
    this.onEvent('incidents:changed', (incidents) => options.hub.emit('incidents.changed', incidents));
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

  /** Calls a backend method; its reply is checked against the protocol before it is believed. */
  call<M extends BackendMethodName>(method: M, request: BackendRequest<M>): Promise<BackendResult<M>> {
    const socket = this.connectedSocket();
    return this.request(method, (reply) => (socket as unknown as UntypedEmitter).emit(method, request, reply));
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
      const hello = await this.request('hello', (reply) => this.socket.emit('hello', null, reply));
      this.status = { ...this.status, serverVersion: hello.serverVersion };
      this.sip = { info: hello.sip, unavailableReason: hello.sipUnavailableReason };
      this.setState('connected', null);
      for (const listener of this.syncListeners) listener.connected();
      const summary = await this.request('feed:summary', (reply) => this.socket.emit('feed:summary', null, reply));
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

  private request<M extends BackendMethodName>(method: M, send: (reply: (raw: unknown) => void) => void): Promise<BackendResult<M>> {
    const schema = BackendReplySchema(backendMethods[method].reply);
    return new Promise<BackendResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ApiFailure(apiError('unavailable', `The backend did not answer within ${this.requestTimeoutMs} ms.`)));
      }, this.requestTimeoutMs);
      try {
        send((raw) => {
          clearTimeout(timer);
          const reply = schema.safeParse(raw);
          if (!reply.success) {
            this.options.logger.warn('backend reply does not match the protocol', { method, issues: reply.error.issues });
            reject(new ApiFailure(apiError('unavailable', 'The backend sent a reply this console cannot read.')));
          } else if (!reply.data.ok) {
            reject(new ApiFailure(apiError('unavailable', reply.data.error)));
          } else {
            resolve(reply.data.value as BackendResult<M>);
          }
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  /** Listens to an event the backend pushes; a payload that does not match the protocol is dropped and logged. */
  private onEvent<E extends BackendEventName>(event: E, listener: (payload: z.output<(typeof backendEvents)[E]>) => void): void {
    (this.socket as unknown as UntypedEmitter).on(event, (payload: unknown) => {
      const parsed = backendEvents[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as z.output<(typeof backendEvents)[E]>);
      else this.options.logger.warn('dropped a backend event that does not match the protocol', { event });
    });
  }
}

/** socket.io's typed emitter cannot take a method or event chosen at run time; every one has the same shape. */
interface UntypedEmitter {
  emit(event: string, ...args: unknown[]): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
