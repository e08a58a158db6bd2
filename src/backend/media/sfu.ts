import { randomUUID } from 'node:crypto';
import type * as mediasoupModule from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { DtlsParametersPayload, RtpCapabilitiesPayload, SfuSession } from '../../shared/media/webrtc.js';
import type { Logger } from '../../node/logger.js';
import type { RtpFeed } from './camera-catalogue.js';
import { RtpSourceGate, type RtpSender } from './rtp-source-gate.js';

/** What the router offers: both codecs Debian's Chromium decodes over WebRTC, H.264 as cameras send it. */
const ROUTER_CODECS: ms.RouterRtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/H264', clockRate: 90_000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000 },
];
/** A console plays at most this many WebRTC tiles at once (four 16-tile walls); more is a leak, refused. */
const MAX_SESSIONS_PER_CONSOLE = 64;

export interface SfuOptions {
  /** Where WebRTC and the RTP feeds are taken (127.0.0.1 unless the cameras file says otherwise). */
  listenIp: string;
  /** The address browsers are told to reach (for a backend behind NAT); none: the listening address. */
  announcedAddress?: string;
  logger: Logger;
  /** How long an on-demand feed outlives its last viewer (default 30 s). */
  onDemandLingerMs?: number;
}

type Session = { consoleId: string; streamId: string; transport: ms.WebRtcTransport };
/** How a feed's RTP is produced into the router (the same after a worker restart). */
type FeedCodec = Pick<RtpFeed['source'], 'codec' | 'payloadType' | 'ssrc'>;
/** A feed: its gate (which keeps the sender's ports across worker restarts) and its producer in the current worker. */
type Feed = { gate: RtpSourceGate; codec: FeedCodec; producer: ms.Producer | null };
/** The worker and its router; replaced when the worker dies. */
type Media = { worker: ms.Worker; router: ms.Router; startedAt: number };
/** Waits before restarting a dead worker (a worker that dies at once again is not restarted in a tight loop). */
const WORKER_RESTART_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000] as const;
/** A worker that ran this long before dying is restarted after the first wait again. */
const WORKER_STABLE_MS = 60_000;

/** A feed the backend makes itself, run only while a window plays it. */
export interface OnDemandSource {
  start(): Promise<void>;
  stop(): void;
}
/** An on-demand feed keeps running this long after its last viewer, so a tour or a re-layout does not restart it. */
const ON_DEMAND_LINGER_MS = 30_000;
type OnDemandFeed = { source: OnDemandSource; running: Promise<void> | null; idle: NodeJS.Timeout | null };
/** mediasoup is optional: loaded when the cameras file has WebRTC cameras, never at the backend's start otherwise. */
type MediasoupModule = typeof mediasoupModule;

/**
 * The backend's SFU: one mediasoup worker and one router, each RTP feed taken by its own gate (which admits only the
 * feed's configured sender, see RtpSourceGate) and handed to its own loopback PlainTransport as one producer, and one
 * WebRTC transport with one consumer per tile a window plays. Sessions belong to the console that opened them and
 * close with it, or by themselves when the browser goes away (DTLS closed, ICE consent lost). A worker that dies is
 * started again with back-off and its feeds produced again behind the same gates; the windows' tiles reconnect.
 */
export class Sfu {
  private readonly feeds = new Map<string, Feed>();
  private readonly sessions = new Map<string, Session>();
  private readonly onDemand = new Map<string, OnDemandFeed>();
  /** Counts each console's disconnections: an open that waited across one is refused. */
  private readonly consoleEpochs = new Map<string, number>();
  /** Null while a dead worker waits for its restart. */
  private media: Media | null;
  private restartAttempt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private workerRestarts = 0;

  private constructor(
    private readonly mediasoup: MediasoupModule,
    media: Media,
    private readonly options: SfuOptions,
  ) {
    this.media = media;
    this.watch(media);
  }

  /** Starts the worker (mediasoup is an optional dependency: its absence or a missing worker is an error saying so). */
  static async start(feeds: readonly RtpFeed[], options: SfuOptions): Promise<Sfu> {
    let mediasoup: MediasoupModule;
    try {
      mediasoup = await import('mediasoup');
    } catch (error) {
      throw new Error(`mediasoup is not installed (${(error as Error).message}): reinstall with its worker (MEDIASOUP_WORKER_BIN) to play WebRTC cameras.`, {
        cause: error,
      });
    }
    const sfu = new Sfu(mediasoup, await startMedia(mediasoup), options);
    try {
      for (const feed of feeds) await sfu.receive(feed);
    } catch (error) {
      sfu.stop();
      throw error;
    }
    return sfu;
  }

  capabilities(): ms.RtpCapabilities {
    return this.running().router.rtpCapabilities;
  }

  /** Whether the worker runs, how often it was restarted, and packets refused per feed (for health and tests). */
  health(): { worker: 'running' | 'restarting'; workerRestarts: number; droppedFromOtherSenders: Record<string, number> } {
    return {
      worker: this.media === null ? 'restarting' : 'running',
      workerRestarts: this.workerRestarts,
      droppedFromOtherSenders: Object.fromEntries([...this.feeds].map(([streamId, feed]) => [streamId, feed.gate.dropped])),
    };
  }

  /** The worker's process id (tests end it as a crash would). */
  workerPid(): number | null {
    return this.media?.worker.pid ?? null;
  }

  /** A WebRTC transport for one window's tile with a consumer of `streamId` on it, flowing once the transport connects. */
  async open(consoleId: string, streamId: string, rtpCapabilities: RtpCapabilitiesPayload): Promise<SfuSession> {
    const feed = this.feeds.get(streamId);
    if (!feed) throw new Error(`The SFU has no stream ${streamId}.`);
    const router = this.running().router;
    const producer = feed.producer;
    if (!producer) throw new Error('The WebRTC server is restarting after a failure; the tile tries again.');
    const epoch = this.consoleEpochs.get(consoleId) ?? 0;
    // Checked for its shape by the protocol schema; mediasoup validates the rest itself (and throws on nonsense).
    const capabilities = rtpCapabilities as ms.RtpCapabilities;
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities: capabilities })) {
      throw new Error(`This window cannot decode stream ${streamId} (${producer.rtpParameters.codecs[0]?.mimeType ?? 'unknown codec'}).`);
    }
    await this.runOnDemand(streamId);
    // Checked after the wait for an on-demand feed: a console gone meanwhile gets nothing (its sessions were closed
    // before this one existed), and opens that waited together still meet the limit.
    const refusal =
      (this.consoleEpochs.get(consoleId) ?? 0) !== epoch
        ? 'The console disconnected while the stream started.'
        : [...this.sessions.values()].filter((session) => session.consoleId === consoleId).length >= MAX_SESSIONS_PER_CONSOLE
          ? `This console already plays ${MAX_SESSIONS_PER_CONSOLE} WebRTC streams; close some tiles first.`
          : null;
    let transport: ms.WebRtcTransport;
    try {
      if (refusal !== null) throw new Error(refusal);
      transport = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: this.options.listenIp, ...(this.options.announcedAddress ? { announcedAddress: this.options.announcedAddress } : {}) },
          { protocol: 'tcp', ip: this.options.listenIp, ...(this.options.announcedAddress ? { announcedAddress: this.options.announcedAddress } : {}) },
        ],
        iceConsentTimeout: 20,
      });
    } catch (error) {
      // No session came of it: an on-demand feed started for it winds down as after its last viewer.
      this.lingerOnDemand(streamId);
      throw error;
    }
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { consoleId, streamId, transport });
    const closeWhen = (why: string) => () => this.closeSession(sessionId, why);
    transport.on('dtlsstatechange', (state) => (state === 'closed' || state === 'failed') && closeWhen(`DTLS ${state}`)());
    transport.on('icestatechange', (state) => state === 'disconnected' && closeWhen('ICE consent lost')());
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: capabilities });
    } catch (error) {
      this.closeSession(sessionId, 'consume failed');
      throw error;
    }
    return {
      sessionId,
      transport: {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      },
      consumer: { id: consumer.id, producerId: producer.id, kind: 'video', rtpParameters: consumer.rtpParameters },
    };
  }

  async connect(consoleId: string, sessionId: string, dtlsParameters: DtlsParametersPayload): Promise<void> {
    await this.owned(consoleId, sessionId).transport.connect({ dtlsParameters: dtlsParameters as ms.DtlsParameters });
  }

  close(consoleId: string, sessionId: string): void {
    this.owned(consoleId, sessionId);
    this.closeSession(sessionId, 'closed by its window');
  }

  /** A console went away: its windows' sessions go with it. */
  closeConsole(consoleId: string): void {
    this.consoleEpochs.set(consoleId, (this.consoleEpochs.get(consoleId) ?? 0) + 1);
    for (const [sessionId, session] of this.sessions) if (session.consoleId === consoleId) this.closeSession(sessionId, 'console disconnected');
  }

  /** Bytes a feed has brought in so far (0 for none yet): whether a source is really sending. */
  async receivedBytes(streamId: string): Promise<number> {
    const feed = this.feeds.get(streamId);
    if (!feed) throw new Error(`The SFU has no stream ${streamId}.`);
    return feed.producer ? (await feed.producer.getStats()).reduce((sum, stats) => sum + stats.byteCount, 0) : 0;
  }

  /** Open sessions (tests check that closed tiles leave none behind). */
  sessionCount(): number {
    return this.sessions.size;
  }

  stop(): void {
    for (const feed of this.onDemand.values()) {
      if (feed.idle) clearTimeout(feed.idle);
      if (feed.running) feed.source.stop();
    }
    this.onDemand.clear();
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.media?.worker.close();
    this.media = null;
    this.sessions.clear();
    for (const feed of this.feeds.values()) feed.gate.close();
    this.feeds.clear();
  }

  private running(): Media {
    if (this.media === null) throw new Error('The WebRTC server is restarting after a failure; the tile tries again.');
    return this.media;
  }

  private watch(media: Media): void {
    media.worker.on('died', (error) => {
      if (this.media !== media) return;
      this.media = null;
      for (const feed of this.feeds.values()) {
        feed.producer = null;
        feed.gate.forwardTo(null);
      }
      // Their transports died with the worker: the windows see their tiles stall and open new sessions.
      for (const sessionId of [...this.sessions.keys()]) this.closeSession(sessionId, 'the mediasoup worker died');
      if (performance.now() - media.startedAt >= WORKER_STABLE_MS) this.restartAttempt = 0;
      this.scheduleRestart(error);
    });
  }

  private scheduleRestart(why: Error): void {
    const base = WORKER_RESTART_BACKOFF_MS[Math.min(this.restartAttempt++, WORKER_RESTART_BACKOFF_MS.length - 1)] ?? 30_000;
    // Jitter: backends on one host whose workers died together do not restart in step.
    const wait = Math.round(base * (0.8 + Math.random() * 0.4));
    this.options.logger.error('the mediasoup worker died: WebRTC cameras are offline until it restarts', { error: why.message, restartInMs: wait });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restart().catch((error: unknown) => {
        if (!this.stopped) this.scheduleRestart(error as Error);
      });
    }, wait);
  }

  private async restart(): Promise<void> {
    const media = await startMedia(this.mediasoup);
    if (this.stopped) return void media.worker.close();
    this.media = media;
    this.watch(media);
    for (const [streamId, feed] of this.feeds) await this.produce(streamId, feed);
    this.workerRestarts++;
    this.options.logger.info('the mediasoup worker was restarted; WebRTC cameras play again', { feeds: this.feeds.size, workerRestarts: this.workerRestarts });
  }

  private owned(consoleId: string, sessionId: string): Session {
    const session = this.sessions.get(sessionId);
    if (!session || session.consoleId !== consoleId) throw new Error(`There is no WebRTC session ${sessionId} of this console.`);
    return session;
  }

  private closeSession(sessionId: string, why: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    session.transport.close();
    this.lingerOnDemand(session.streamId);
    this.options.logger.info('WebRTC session closed', { sessionId, consoleId: session.consoleId, why });
  }

  private async receive({ streamId, source }: RtpFeed): Promise<void> {
    // RTP on the feed's port, RTCP on the next (RTP's own convention, and ffmpeg's default).
    const sender: RtpSender = { address: source.source, port: source.sourcePort };
    const gate = await RtpSourceGate.open(streamId, this.options.listenIp, source.port, sender, this.options.logger);
    await this.addFeed(streamId, gate, source);
    this.options.logger.info('SFU receives an RTP feed', { streamId, port: source.port, codec: source.codec, sender: source.source });
  }

  /**
   * A feed from a process of the backend itself (a virtual PTZ camera) that sends from `senderRtpPort` (RTCP from the
   * next) on loopback, to ports the SFU picks; `make` gets those and returns the source, which runs only while a window
   * plays the stream. Only that sender is taken, and a restarted process, sending from the same ports, is taken again.
   */
  async receiveOnDemand<Source extends OnDemandSource>(
    streamId: string,
    source: FeedCodec,
    senderRtpPort: number,
    make: (ports: { rtpPort: number; rtcpPort: number }) => Source,
  ): Promise<Source> {
    const gate = await RtpSourceGate.open(streamId, '127.0.0.1', 0, { address: '127.0.0.1', port: senderRtpPort }, this.options.logger);
    await this.addFeed(streamId, gate, source);
    const made = make(gate.ports);
    this.onDemand.set(streamId, { source: made, running: null, idle: null });
    return made;
  }

  private async addFeed(streamId: string, gate: RtpSourceGate, source: FeedCodec): Promise<void> {
    const feed: Feed = { gate, codec: { codec: source.codec, payloadType: source.payloadType, ssrc: source.ssrc }, producer: null };
    this.feeds.set(streamId, feed);
    try {
      await this.produce(streamId, feed);
    } catch (error) {
      this.feeds.delete(streamId);
      gate.close();
      throw error;
    }
  }

  private async runOnDemand(streamId: string): Promise<void> {
    const feed = this.onDemand.get(streamId);
    if (!feed) return;
    if (feed.idle) clearTimeout(feed.idle);
    feed.idle = null;
    if (feed.running === null) {
      const running = feed.source.start();
      feed.running = running;
      // A start that failed is tried again by the next window.
      running.catch(() => {
        if (feed.running !== running) return;
        feed.running = null;
        // Whatever a failed start left (a process that never took commands) goes with it.
        feed.source.stop();
      });
      this.options.logger.info('on-demand feed started', { streamId });
    }
    await feed.running;
  }

  private lingerOnDemand(streamId: string): void {
    const feed = this.onDemand.get(streamId);
    if (!feed || feed.running === null || [...this.sessions.values()].some((session) => session.streamId === streamId)) return;
    if (feed.idle) clearTimeout(feed.idle);
    feed.idle = setTimeout(() => {
      feed.idle = null;
      feed.running = null;
      feed.source.stop();
      this.options.logger.info('on-demand feed stopped: nobody plays it', { streamId });
    }, this.options.onDemandLingerMs ?? ON_DEMAND_LINGER_MS);
  }

  /** The feed's PlainTransport and producer in the current worker, connected to its gate's inner ports. */
  private async produce(streamId: string, feed: Feed): Promise<void> {
    const { router } = this.running();
    const transport = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpListenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: false,
    });
    const inner = feed.gate.innerPorts;
    await transport.connect({ ip: '127.0.0.1', port: inner.rtpPort, rtcpPort: inner.rtcpPort });
    const { codec, payloadType, ssrc } = feed.codec;
    feed.producer = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [
          {
            mimeType: `video/${codec}`,
            payloadType,
            clockRate: 90_000,
            parameters: codec === 'H264' ? { 'packetization-mode': 1, 'profile-level-id': '42e01f' } : {},
          },
        ],
        encodings: [{ ssrc }],
      },
    });
    feed.gate.forwardTo({ rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort + 1 });
    this.options.logger.debug('SFU feed produced', { streamId });
  }
}

async function startMedia(mediasoup: MediasoupModule): Promise<Media> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  try {
    return { worker, router: await worker.createRouter({ mediaCodecs: ROUTER_CODECS }), startedAt: performance.now() };
  } catch (error) {
    worker.close();
    throw error;
  }
}

/** The SFU where the cameras file has RTP feeds and mediasoup can start, or why WebRTC cameras cannot play here. */
export async function startSfuFor(
  feeds: readonly RtpFeed[],
  webrtc: { listenIp: string; announcedAddress?: string | undefined } | undefined,
  logger: Logger,
  /** The demo's own WebRTC cameras want it even without RTP feeds configured. */
  demoWanted: boolean,
): Promise<Sfu | { unavailable: string }> {
  if (feeds.length === 0 && !demoWanted) return { unavailable: 'No camera of this backend streams over WebRTC.' };
  try {
    return await Sfu.start(feeds, {
      listenIp: webrtc?.listenIp ?? '127.0.0.1',
      ...(webrtc?.announcedAddress ? { announcedAddress: webrtc.announcedAddress } : {}),
      logger,
    });
  } catch (error) {
    const reason = `The WebRTC server (mediasoup) could not start: ${(error as Error).message}`;
    // Configured WebRTC cameras are a deployment's own and go dark without it; the demo's fall back to clips, which
    // the demo's PTZ cameras report themselves.
    if (feeds.length > 0) logger.error('WebRTC cameras are unavailable', { reason });
    return { unavailable: reason };
  }
}
