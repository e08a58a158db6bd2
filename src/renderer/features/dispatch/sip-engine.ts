import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  RequestPendingError,
  SessionState,
  SIPExtension,
  UserAgent,
  Web,
  type Info,
  type Referral,
  type Session,
} from 'sip.js';
import { backoffDelay, type BackoffPolicy } from '../../../shared/backoff.js';
import { callProblem } from '../../../shared/dispatch/call-problem.js';
import type { CallPriority } from '../../../shared/dispatch/call-record.js';
import type { CallParty } from '../../../shared/dispatch/call-request.js';
import { DISPATCHER_USER_PREFIX, SipUserSchema, sipUri, type SipAccount } from '../../../shared/dispatch/sip-account.js';
import { createStore, type Store } from '../../state/store.js';
import { sipWebSocketUrl } from '../../bridge/host.js';
import { pageIsSecure, requireSecureContext } from '../secure-context/index.js';
import { CallProblemError } from './call-problem-text.js';
import {
  initialSipState,
  ringingCall,
  mediaProblem,
  outcomeOfResponse,
  parsePriority,
  withCall,
  withoutOldEnded,
  type CallView,
  type SipState,
} from './call-state.js';
import { ConferenceMixer } from './conference-mixer.js';
import { systemClock, type Clock } from '../../../shared/clock/index.js';

export interface CallOptions {
  media: 'audio' | 'video';
  priority: CallPriority;
  incidentId: string | null;
  runId: string | null;
  drill: boolean;
}

export interface SipEngineOptions {
  /** Fetches the account to register with (again after a rejection, in case the backend's secret changed). */
  account: () => Promise<SipAccount>;
  /** Every change of a call, for the call log. */
  onCallChanged?: (call: CallView) => void;
  /** Who is behind a SIP user (the directory); the engine shows the bare user until it answers. */
  identify?: (user: string, displayName: string | null) => Promise<CallParty>;
}

interface LiveCall {
  session: Session;
  audio: HTMLAudioElement;
}

/** Jittered so that the seats and crew terminals that lost one SIP server do not all come back at once. */
const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 8000, jitter: 0.25 };
const STATS_INTERVAL_MS = 2000;
const ENDED_CALLS_SHOWN = 20;
const REGISTRATION_EXPIRES_S = 120;
const NO_ANSWER_TIMEOUT_S = 600;
const MAX_DISPLAY_NAME = 100;

/**
 * The dispatcher's (or a crew terminal's) SIP user agent: registration that comes back by itself after the server or
 * the network goes away, and the calls of this seat with hold, mute, DTMF, transfers and group calls mixed here.
 * Live objects (sip.js sessions, media elements, the audio mixer) stay inside; the screen reads `state`, plain data.
 */
export class SipEngine {
  readonly state: Store<SipState> = createStore(initialSipState);
  private userAgent: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private account: SipAccount | null = null;
  private readonly live = new Map<string, LiveCall>();
  private readonly mixers = new Map<string, ConferenceMixer>();
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private disposed = false;
  private everRegistered = false;
  private lostRegistration = false;
  private readonly answering = new Set<string>();
  private autoAnswer = false;

  /** Stamps calls' ringing, answer and end times. */
  private readonly clock: Clock = systemClock;

  constructor(private readonly options: SipEngineOptions) {}

  /** Fetches the account and registers; failures land in `state` with a reason, and reconnection goes on. */
  async start(): Promise<void> {
    // A seat that registered here would be rung and could never answer: say why instead, and stay unregistered.
    if (!pageIsSecure()) return this.patch({ registration: 'unavailable', registrationNote: callProblem('insecure-context') });
    this.patch({ registration: 'connecting', registrationNote: null });
    let account: SipAccount;
    try {
      account = await this.options.account();
    } catch (error) {
      this.patch({ registration: 'unavailable', registrationNote: callProblem('sip-unavailable', error instanceof Error ? error.message : String(error)) });
      this.scheduleReconnect(() => this.start());
      return;
    }
    if (this.disposed) return;
    this.account = account;
    this.patch({ user: account.user });
    const userAgent = new UserAgent({
      uri: UserAgent.makeURI(sipUri(account.user, account.domain)),
      displayName: account.displayName,
      authorizationUsername: account.user,
      authorizationPassword: account.password,
      transportOptions: { server: sipWebSocketUrl(account.wsServer), connectionTimeout: 5, keepAliveInterval: 15 },
      // Reconnection is this engine's (with back-off and no limit); sip.js would give up after a few tries.
      reconnectionAttempts: 0,
      // A call in the incoming queue waits for a dispatcher; sip.js would turn it away after 60 s.
      noAnswerTimeout: NO_ANSWER_TIMEOUT_S,
      // Attended transfers: sip.js matches an INVITE's Replaces against the dialogs here (RFC 3891).
      sipExtensionReplaces: SIPExtension.Supported,
      logBuiltinEnabled: false,
      sessionDescriptionHandlerFactoryOptions: {
        // Never a public STUN server: only what the centre configured.
        peerConnectionConfiguration: { iceServers: account.iceServers },
        iceGatheringTimeout: 500,
      },
      delegate: {
        onConnect: () => void this.register(),
        onDisconnect: (error) => this.onDisconnect(error),
        onInvite: (invitation) => void this.onInvite(invitation),
      },
    });
    this.userAgent = userAgent;
    this.registerer = new Registerer(userAgent, { expires: REGISTRATION_EXPIRES_S });
    // sip.js refreshes the registration by itself; when a refresh fails or lapses, say so and register again.
    this.registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Unregistered && this.state.get().registration === 'registered' && !this.disposed) {
        this.lostRegistration = true;
        this.patch({ registration: 'reconnecting', registrationNote: callProblem('registration-lapsed') });
        this.scheduleReconnect(() => this.register());
      }
    });
    try {
      await userAgent.start();
    } catch (error) {
      this.onDisconnect(error instanceof Error ? error : new Error(String(error)));
    }
    if (!this.disposed) this.statsTimer ??= setInterval(() => void this.sampleStats(), STATS_INTERVAL_MS);
  }

  /** Places a call; the id names it in `state` and in the call log. */
  call(party: CallParty, options: CallOptions, groupCallId: string | null = null): string {
    requireSecureContext();
    const userAgent = this.requireRegistered();
    const account = this.account as SipAccount;
    const id = crypto.randomUUID();
    const target = UserAgent.makeURI(sipUri(party.user, account.domain));
    if (!target) throw new Error(`"${party.user}" is not a SIP user`);
    const video = options.media === 'video';
    const inviter = new Inviter(userAgent, target, {
      extraHeaders: [`Priority: ${options.priority}`],
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video } },
    });
    this.holdOthers(null, groupCallId);
    // Shown at once, but logged only once the INVITE has left (invite()): the call-log write and the host's answer
    // to it would otherwise take the page's main thread while the offer is being made (#15: the one-click path).
    this.track(inviter, ringingCall({ id, direction: 'outgoing', party, groupCallId, ...options }, this.clock.now()), false);
    void this.invite(id, inviter);
    return id;
  }

  /** Rings every party at once; all who answer talk together, mixed here. */
  groupCall(parties: readonly CallParty[], options: CallOptions): { groupCallId: string; callIds: string[] } {
    requireSecureContext();
    this.requireRegistered();
    const groupCallId = `G-${crypto.randomUUID()}`;
    const mixer = new ConferenceMixer();
    this.mixers.set(groupCallId, mixer);
    try {
      const callIds = parties.map((party) => this.call(party, options, groupCallId));
      return { groupCallId, callIds };
    } catch (error) {
      // A party that cannot be called (a bad number) stops the group call before the others are left ringing alone.
      for (const call of this.state.get().calls) if (call.groupCallId === groupCallId) void this.hangUp(call.id);
      this.mixers.delete(groupCallId);
      void mixer.dispose();
      throw error;
    }
  }

  async answer(id: string): Promise<void> {
    const session = this.live.get(id)?.session;
    if (!(session instanceof Invitation)) throw new Error(`call ${id} is not ringing here`);
    // A second click (or a tap while auto-answer runs) must not touch the answer already under way.
    if (session.state !== SessionState.Initial || this.answering.has(id)) return;
    this.answering.add(id);
    const call = this.find(id);
    try {
      // Here, not before: an auto-answer must mark the call failed with the reason, not reject into the void.
      requireSecureContext();
      // The leg an attended transfer replaces ends by itself once this one is up: no need to hold it first.
      if (session.replacee === undefined) this.holdOthers(id, null);
      await session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: call?.media === 'video' } } });
    } catch (error) {
      this.updateCall(id, (current) => ({ ...current, outcome: 'failed', problem: mediaProblem(error) }));
      if (session.state === SessionState.Initial) await session.reject({ statusCode: 480 }).catch(() => undefined);
    } finally {
      this.answering.delete(id);
    }
  }

  async reject(id: string): Promise<void> {
    const session = this.live.get(id)?.session;
    if (!(session instanceof Invitation)) return;
    if (session.state !== SessionState.Initial) return;
    this.updateCall(id, (call) => ({ ...call, outcome: 'rejected', problem: null }));
    await session.reject({ statusCode: 603 });
  }

  async hangUp(id: string): Promise<void> {
    const session = this.live.get(id)?.session;
    if (!session) return;
    if (session instanceof Inviter && (session.state === SessionState.Initial || session.state === SessionState.Establishing)) {
      // Initial: still getting the microphone or gathering candidates; cancel() stops the INVITE from leaving.
      this.updateCall(id, (call) => ({ ...call, outcome: 'cancelled', problem: null }));
      await session.cancel();
    } else if (session instanceof Invitation && session.state === SessionState.Initial) {
      await this.reject(id);
    } else if (session.state === SessionState.Established || session.state === SessionState.Establishing) {
      // An incoming call being answered: sip.js sends the BYE once the answer is acknowledged.
      await session.bye();
    }
  }

  /** Hold with a re-INVITE (sendonly), so the crew hears that it is held rather than silence from a dead line. */
  async setHold(id: string, held: boolean): Promise<void> {
    const session = this.live.get(id)?.session;
    const call = this.find(id);
    if (!session || !call || session.state !== SessionState.Established || call.held === held) return;
    if (!held) this.holdOthers(id, call.groupCallId);
    const previous = session.sessionDescriptionHandlerOptionsReInvite;
    session.sessionDescriptionHandlerOptionsReInvite = { ...previous, hold: held } as Web.SessionDescriptionHandlerOptions;
    // The screen says held only once the crew's side agreed; a refused or clashing re-INVITE leaves it as it was.
    await new Promise<void>((resolve, reject) => {
      session
        .invite({
          requestDelegate: {
            onAccept: () => {
              this.enableTracks(session, !held, !held && !(this.find(id)?.muted ?? false));
              this.updateCall(id, (current) => ({ ...current, held }));
              resolve();
            },
            onReject: (response) => {
              session.sessionDescriptionHandlerOptionsReInvite = previous;
              reject(new CallProblemError(callProblem('hold-refused', String(response.message.statusCode))));
            },
          },
        })
        .catch((error: unknown) => {
          session.sessionDescriptionHandlerOptionsReInvite = previous;
          reject(error instanceof RequestPendingError ? new CallProblemError(callProblem('hold-pending')) : error);
        });
    });
  }

  setMute(id: string, muted: boolean): void {
    const call = this.find(id);
    const session = this.live.get(id)?.session;
    if (!call || !session) return;
    const mixer = call.groupCallId === null ? undefined : this.mixers.get(call.groupCallId);
    if (mixer) mixer.setMicrophoneMuted(muted);
    else this.enableTracks(session, !call.held, !call.held && !muted);
    this.state.update((state) => ({
      ...state,
      calls: state.calls.map((entry) => (entry.id === id || (call.groupCallId !== null && entry.groupCallId === call.groupCallId) ? { ...entry, muted } : entry)),
    }));
  }

  /** DTMF as SIP INFO (application/dtmf-relay), which every SIP end point and gateway we meet understands. */
  async sendDtmf(id: string, tone: string): Promise<void> {
    if (!/^[0-9A-D#*]$/.test(tone)) throw new Error(`"${tone}" is not a DTMF tone`);
    const session = this.live.get(id)?.session;
    if (!session || session.state !== SessionState.Established) return;
    await session.info({ requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=160` } } });
  }

  /** Blind transfer: the crew is asked (REFER) to call `user`; this seat leaves the call once the crew agrees. */
  async blindTransfer(id: string, user: string): Promise<void> {
    const session = this.live.get(id)?.session;
    const account = this.account;
    if (!session || !account || session.state !== SessionState.Established) throw new Error(`call ${id} is not up`);
    const target = UserAgent.makeURI(sipUri(user, account.domain));
    if (!target) throw new Error(`"${user}" is not a SIP user`);
    await this.referAndLeave(id, session, target);
  }

  /** Attended transfer: after talking to the second party, join the two (REFER with Replaces) and leave both. */
  async attendedTransfer(id: string, consultationId: string): Promise<void> {
    const session = this.live.get(id)?.session;
    const consultation = this.live.get(consultationId)?.session;
    if (!session || !consultation || session.state !== SessionState.Established || consultation.state !== SessionState.Established) {
      throw new Error('both calls must be up for an attended transfer');
    }
    await this.referAndLeave(id, session, consultation);
  }

  /** The far end's picture and sound, for a video call's tile. */
  remoteStream(id: string): MediaStream | null {
    const live = this.live.get(id);
    return live ? (mediaOf(live.session)?.remoteMediaStream ?? null) : null;
  }

  localStream(id: string): MediaStream | null {
    const live = this.live.get(id);
    return live ? (mediaOf(live.session)?.localMediaStream ?? null) : null;
  }

  /** Which members of a group call each member hears (null: no such group call up). */
  groupRouting(groupCallId: string): Record<string, string[]> | null {
    return this.mixers.get(groupCallId)?.routing() ?? null;
  }

  /** Answer the centre's calls at once (a crew terminal in a vehicle). */
  setAutoAnswer(on: boolean): void {
    this.autoAnswer = on;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    for (const id of [...this.live.keys()]) await this.hangUp(id).catch(() => undefined);
    for (const mixer of this.mixers.values()) await mixer.dispose().catch(() => undefined);
    this.mixers.clear();
    await this.registerer?.unregister().catch(() => undefined);
    await this.userAgent?.stop().catch(() => undefined);
  }

  private async register(): Promise<void> {
    const registerer = this.registerer;
    if (!registerer || this.disposed) return;
    try {
      // Marked on the server's 200 each time: after a reconnect sip.js still thinks it is registered, so its own state
      // does not change and cannot say that the registration came back.
      await registerer.register({
        requestDelegate: {
          onAccept: () => this.markRegistered(),
          onReject: (response) => {
            const { statusCode, reasonPhrase } = response.message;
            this.patch({ registration: 'rejected', registrationNote: callProblem('registration-refused', `${statusCode} ${reasonPhrase}`) });
            // A refusal may be the server starting up or a secret being changed: keep trying, slower each time.
            this.scheduleReconnect(() => this.register());
          },
        },
      });
    } catch (error) {
      // A REGISTER sent before the server went away stays pending until it times out (32 s): try again after it.
      if (!(error instanceof RequestPendingError)) {
        this.patch({ registration: 'rejected', registrationNote: callProblem('registration-failed', String(error)) });
      }
      this.scheduleReconnect(() => this.register());
    }
  }

  private markRegistered(): void {
    const again = this.lostRegistration;
    this.lostRegistration = false;
    this.everRegistered = true;
    this.reconnectAttempt = 0;
    this.state.update((current) => ({
      ...current,
      registration: 'registered',
      registrationNote: again ? callProblem('registered-again') : null,
      reregistrations: current.reregistrations + (again ? 1 : 0),
    }));
  }

  private onDisconnect(error?: Error): void {
    if (this.disposed) return;
    if (this.everRegistered) this.lostRegistration = true;
    this.patch({
      registration: 'reconnecting',
      registrationNote: callProblem('sip-server-lost', error ? error.message : null),
    });
    this.scheduleReconnect(async () => {
      await this.userAgent?.reconnect();
    });
  }

  private scheduleReconnect(attempt: () => Promise<void>): void {
    if (this.disposed || this.reconnectTimer) return;
    const delay = backoffDelay(RECONNECT_BACKOFF, this.reconnectAttempt);
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      attempt().catch(() => this.scheduleReconnect(attempt));
    }, delay);
  }

  private async onInvite(invitation: Invitation): Promise<void> {
    const id = crypto.randomUUID();
    const identity = invitation.remoteIdentity;
    const user = identity.uri.user ?? 'unknown';
    const displayName = identity.displayName || null;
    const offersVideo = /m=video [1-9]/.test(invitation.body ?? '');
    const party = { user: SipUserSchema.safeParse(user).success ? user : 'unknown', name: displayName?.slice(0, MAX_DISPLAY_NAME) ?? null, crewId: null };
    const media = offersVideo ? 'video' : 'audio';
    const priority = parsePriority(invitation.request.getHeader('Priority'));
    this.track(invitation, ringingCall({ id, direction: 'incoming', party, media, priority, incidentId: null, runId: null, drill: false, groupCallId: null }, this.clock.now()));
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: (cancel) => {
        // A hunt-group call answered by another dispatcher is cancelled with this reason: not a missed call.
        const elsewhere = /cause=200|completed elsewhere/i.test(cancel.request.getHeader('Reason') ?? '');
        this.updateCall(id, (call) => ({ ...call, outcome: elsewhere ? 'cancelled' : 'missed', problem: elsewhere ? callProblem('answered-elsewhere') : null }));
      },
    };
    // Attended transfer reaching its target: sip.js has matched the dialog it replaces (RFC 3891) and ends that one
    // when this one is up, so the conversation goes on without a ring. Auto-answer opens the microphone, so it only
    // answers the centre's seats (kamailio has authenticated the caller's From).
    if (invitation.replacee !== undefined || (this.autoAnswer && user.startsWith(DISPATCHER_USER_PREFIX))) void this.answer(id);
    if (this.options.identify) {
      const party = await this.options.identify(user, displayName).catch(() => null);
      if (party) this.updateCall(id, (call) => ({ ...call, party: { ...party, user: call.party.user } }));
    }
  }

  /** Follows a session from creation to its end: state, media, DTMF and transfers asked of this end. */
  /** `logNow` false: the caller reports the call to `onCallChanged` itself, later. */
  private track(session: Session, call: CallView, logNow = true): void {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.hidden = true;
    audio.dataset.callId = call.id;
    document.body.append(audio);
    this.live.set(call.id, { session, audio });
    this.state.update((state) => withoutOldEnded({ ...state, calls: [...state.calls, call] }, ENDED_CALLS_SHOWN));
    if (logNow) this.options.onCallChanged?.(call);

    session.delegate = {
      onInfo: (info: Info) => {
        const tone = /Signal=\s*([0-9A-D#*])/.exec(info.request.body)?.[1];
        void info.accept();
        if (tone) this.updateCall(call.id, (current) => ({ ...current, dtmfReceived: current.dtmfReceived + tone }));
      },
      onRefer: (referral: Referral) => void this.onRefer(call.id, referral),
    };
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(call.id, session, audio);
      // sip.js ends a session before it says why (the rejection to the request delegate, a media failure to the
      // invite's promise): settle the end a task later, once the reason is in.
      if (state === SessionState.Terminated) setTimeout(() => this.onTerminated(call.id), 0);
    });
  }

  private onEstablished(id: string, session: Session, audio: HTMLAudioElement): void {
    this.updateCall(id, (current) => ({ ...current, phase: 'talking', outcome: 'talking', answeredAt: current.answeredAt ?? this.clock.now().toISOString(), problem: null }));
    const media = mediaOf(session);
    const peer = media?.peerConnection;
    if (!media || !peer) return;
    audio.srcObject = media.remoteMediaStream;
    void audio.play().catch(() => undefined);
    // A far end that vanishes (phone out of coverage, tab killed) sends no BYE: ICE failing ends the call here.
    peer.addEventListener('connectionstatechange', () => {
      if (peer.connectionState !== 'failed' || session.state !== SessionState.Established) return;
      this.updateCall(id, (current) => ({ ...current, outcome: 'failed', problem: callProblem('media-lost') }));
      void session.bye().catch(() => undefined);
    });
    const groupCallId = this.find(id)?.groupCallId;
    const mixer = groupCallId ? this.mixers.get(groupCallId) : undefined;
    mixer?.add(id, peer, media.remoteMediaStream, media.localMediaStream).catch((error: unknown) => {
      this.updateCall(id, (entry) => ({ ...entry, problem: error instanceof CallProblemError ? error.problem : callProblem('group-mix-failed', String(error)) }));
    });
  }

  private onTerminated(id: string): void {
    this.updateCall(id, (current) => ({
      ...current,
      phase: 'ended',
      endedAt: this.clock.now().toISOString(),
      outcome: current.outcome === 'talking' ? 'completed' : current.outcome !== 'ringing' ? current.outcome : current.direction === 'incoming' ? 'missed' : 'unavailable',
    }));
    this.cleanUp(id);
  }

  /** Sends an outgoing call's INVITE; a refusal or a failure before it left is written on the call with its reason. */
  private async invite(id: string, inviter: Inviter): Promise<void> {
    const sent = await inviter
      .invite({
        requestDelegate: {
          onReject: (response) => {
            const { outcome, problem } = outcomeOfResponse(response.message.statusCode ?? 0, response.message.reasonPhrase ?? '');
            this.updateCall(id, (call) => ({ ...call, outcome, problem }));
          },
        },
      })
      .then(
        () => true,
        (error: unknown) => {
          // getUserMedia and offer failures land here: the call never left this console.
          this.updateCall(id, (call) => ({ ...call, phase: 'ended', outcome: 'failed', problem: mediaProblem(error), endedAt: this.clock.now().toISOString() }));
          this.cleanUp(id);
          return false;
        },
      );
    // sip.js settles invite() once the INVITE is on the wire: now the call goes into the log.
    const call = this.find(id);
    if (sent && call) this.options.onCallChanged?.(call);
  }

  /** The far end asked this end to call someone else (we are the transferee): call them, then leave the old call. */
  private async onRefer(id: string, referral: Referral): Promise<void> {
    const old = this.find(id);
    const target = referral.referTo.uri.user;
    if (!old || !target) {
      await referral.reject().catch(() => undefined);
      return;
    }
    await referral.accept();
    const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: old.media === 'video' } } });
    // An attended transfer's Refer-To names the target's contact, not its user; its display name is the user's
    // name or, failing that, its address (user@domain), which is what the directory knows.
    const displayName = referral.referTo.displayName || null;
    const named = displayName?.split('@')[0] ?? '';
    const user = displayName?.includes('@') && SipUserSchema.safeParse(named).success ? named : target;
    const party = this.options.identify ? await this.options.identify(user, displayName).catch(() => null) : null;
    const newId = crypto.randomUUID();
    // The new call keeps what the old one was about (incident, run, drill, group) and goes out as ours.
    this.track(inviter, ringingCall({ ...old, id: newId, direction: 'outgoing', party: party ?? { user, name: displayName, crewId: null } }, this.clock.now()));
    await this.invite(newId, inviter);
    const session = this.live.get(id)?.session;
    if (session?.state === SessionState.Established) {
      this.updateCall(id, (call) => ({ ...call, outcome: 'transferred' }));
      await session.bye().catch(() => undefined);
    }
  }

  private async referAndLeave(id: string, session: Session, target: Parameters<Session['refer']>[0]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      session
        .refer(target, {
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (response) => reject(new CallProblemError(callProblem('transfer-refused', `${response.message.statusCode} ${response.message.reasonPhrase}`))),
          },
        })
        .catch(reject);
    });
    this.updateCall(id, (call) => ({ ...call, outcome: 'transferred' }));
    // The transferee hangs up on its own once its new call is up; leaving now frees this seat without waiting.
    if (session.state === SessionState.Established) await session.bye().catch(() => undefined);
  }

  /** One conversation at a time: others are put on hold, except the members of the same group call. */
  private holdOthers(exceptId: string | null, groupCallId: string | null): void {
    for (const call of this.state.get().calls) {
      if (call.id === exceptId || call.phase !== 'talking' || call.held) continue;
      if (groupCallId !== null && call.groupCallId === groupCallId) continue;
      void this.setHold(call.id, true).catch(() => undefined);
    }
  }

  private enableTracks(session: Session, receive: boolean, send: boolean): void {
    mediaOf(session)?.enableReceiverTracks(receive);
    mediaOf(session)?.enableSenderTracks(send);
  }

  private cleanUp(id: string): void {
    const live = this.live.get(id);
    if (!live) return;
    this.live.delete(id);
    live.audio.srcObject = null;
    live.audio.remove();
    const call = this.find(id);
    const mixer = call?.groupCallId ? this.mixers.get(call.groupCallId) : undefined;
    if (mixer && call?.groupCallId) {
      void mixer.remove(id);
      const groupLive = this.state.get().calls.some((entry) => entry.groupCallId === call.groupCallId && entry.phase !== 'ended');
      if (!groupLive) {
        this.mixers.delete(call.groupCallId);
        void mixer.dispose();
      }
    }
  }

  /** Round-trip time, jitter, loss and whether sound (and picture) arrive, for the call's row on screen. */
  private async sampleStats(): Promise<void> {
    for (const [id, live] of this.live) {
      const peer = mediaOf(live.session)?.peerConnection;
      if (!peer || live.session.state !== SessionState.Established) continue;
      const report = await peer.getStats().catch(() => null);
      if (!report) continue;
      let audioBytesIn = 0;
      let audioBytesOut = 0;
      let videoFramesIn = 0;
      let jitterMs: number | null = null;
      let rttMs: number | null = null;
      let lost = 0;
      let received = 0;
      let audioLevel: number | null = null;
      report.forEach((entry: Record<string, unknown>) => {
        if (entry.type === 'inbound-rtp' && entry.kind === 'audio') {
          audioBytesIn += Number(entry.bytesReceived ?? 0);
          jitterMs = Number(entry.jitter ?? 0) * 1000;
          lost += Number(entry.packetsLost ?? 0);
          received += Number(entry.packetsReceived ?? 0);
          if (typeof entry.audioLevel === 'number') audioLevel = entry.audioLevel;
        }
        if (entry.type === 'inbound-rtp' && entry.kind === 'video') videoFramesIn += Number(entry.framesDecoded ?? 0);
        if (entry.type === 'outbound-rtp' && entry.kind === 'audio') audioBytesOut += Number(entry.bytesSent ?? 0);
        if (entry.type === 'candidate-pair' && entry.nominated === true && typeof entry.currentRoundTripTime === 'number') rttMs = entry.currentRoundTripTime * 1000;
      });
      this.updateCall(id, (call) => ({
        ...call,
        quality: { audioBytesIn, audioBytesOut, videoFramesIn, jitterMs, rttMs, lossPct: received + lost > 0 ? (100 * lost) / (received + lost) : 0, audioLevel },
      }));
    }
  }

  private requireRegistered(): UserAgent {
    const registration = this.state.get().registration;
    if (!this.userAgent || registration !== 'registered') {
      throw new CallProblemError(callProblem('seat-not-registered', registration));
    }
    return this.userAgent;
  }

  private updateCall(id: string, change: (call: CallView) => CallView): void {
    const before = this.find(id);
    this.state.update((state) => withCall(state, id, change));
    const after = this.find(id);
    // Quality samples change often and are not logged; every other change is.
    if (after && before && (after.outcome !== before.outcome || after.phase !== before.phase || after.problem !== before.problem || after.party !== before.party)) {
      this.options.onCallChanged?.(after);
    }
  }

  private find(id: string): CallView | undefined {
    return this.state.get().calls.find((call) => call.id === id);
  }

  private patch(change: Partial<SipState>): void {
    this.state.update((state) => ({ ...state, ...change }));
  }
}

/** The browser side of a session's media (sip.js's web handler), once the session has one. */
function mediaOf(session: Session): Web.SessionDescriptionHandler | null {
  const handler = session.sessionDescriptionHandler;
  return handler instanceof Web.SessionDescriptionHandler ? handler : null;
}
