import type { types } from 'mediasoup-client';
import type { SfuClient } from './sfu-client.js';
import { TilePlayer, type TilePlayback } from './tile-player.js';

/** getStats is asked this often while frames flow (it walks every stat of the connection). */
const STATS_EVERY_MS = 2000;

/** What one start holds at the SFU; the consumer once `consume` has answered. */
type Receiving = { sessionId: string; transport: types.Transport; consumer: types.Consumer | null };

/**
 * One tile's WebRTC player: a receiving transport to the backend's SFU with one consumer of the camera's stream,
 * played from its track. Bitrate, picture size, round-trip time and jitter come from getStats; a failed or lost
 * connection starts over with back-off, as an HLS tile does. Disposing closes the transport here and the session there.
 */
export class WebRtcTilePlayer extends TilePlayer {
  private receiving: Receiving | null = null;
  /** Counts starts, so the answer to an abandoned start is closed rather than played. */
  private generation = 0;
  private lastStats: { at: number; bytes: number } | null = null;
  private statsAskedAt = 0;

  constructor(
    video: HTMLVideoElement,
    private readonly streamId: string,
    private readonly sfu: SfuClient,
    onChange: (playback: TilePlayback) => void,
  ) {
    super(video, onChange);
    this.start();
  }

  protected start(): void {
    const generation = ++this.generation;
    this.receive(generation).catch((error: Error) => {
      if (generation === this.generation) this.failed(error.message);
    });
  }

  protected stop(): void {
    this.generation += 1;
    const receiving = this.receiving;
    this.receiving = null;
    this.lastStats = null;
    this.video.srcObject = null;
    if (!receiving) return;
    receiving.consumer?.close();
    receiving.transport.close();
    // The SFU also closes it by itself once the browser's DTLS goes away; this only says so sooner.
    this.sfu.close(receiving.sessionId).catch(() => undefined);
  }

  protected override measures(): Partial<TilePlayback> {
    const now = this.clock.monotonicMs();
    const consumer = this.receiving?.consumer;
    if (consumer && now - this.statsAskedAt >= STATS_EVERY_MS) {
      this.statsAskedAt = now;
      const generation = this.generation;
      consumer.getStats().then(
        (report) => generation === this.generation && this.update(this.fromStats(report, now)),
        () => undefined,
      );
    }
    return {};
  }

  private async receive(generation: number): Promise<void> {
    const device = await this.sfu.device();
    const session = await this.sfu.open(this.streamId, device.rtpCapabilities);
    if (generation !== this.generation) {
      await this.sfu.close(session.sessionId);
      return;
    }
    // The host checked these against the protocol's schemas; mediasoup-client validates them in full.
    const transport = device.createRecvTransport(session.transport as types.TransportOptions);
    // Held from here, not once the consumer is there: a tile disposed (or started over) while `consume` is still
    // pending must close this transport and session too, or its connection outlives the tile.
    const receiving: Receiving = { sessionId: session.sessionId, transport, consumer: null };
    this.receiving = receiving;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.sfu.connect(session.sessionId, dtlsParameters).then(callback, errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (generation !== this.generation) return;
      if (state === 'failed' || state === 'closed') this.failed(`WebRTC ${state}`);
      else if (state === 'disconnected' && this.playback.lastFrameAt !== null) this.update({ status: 'reconnecting' });
    });
    const consumer = await transport.consume({
      id: session.consumer.id,
      producerId: session.consumer.producerId,
      kind: session.consumer.kind,
      rtpParameters: session.consumer.rtpParameters as types.RtpParameters,
    });
    // Stopped while consuming: `stop` closed the transport and session already; the late consumer goes with them and
    // is never played on this tile's <video>.
    if (generation !== this.generation) {
      consumer.close();
      return;
    }
    receiving.consumer = consumer;
    this.video.srcObject = new MediaStream([consumer.track]);
    await this.video.play().catch(() => undefined);
  }

  private fromStats(report: RTCStatsReport, at: number): Partial<TilePlayback> {
    const change: { bitrate?: number; jitterMs?: number; rttMs?: number } = {};
    report.forEach((stat: { type: string; kind?: string; bytesReceived?: number; jitter?: number; state?: string; nominated?: boolean; currentRoundTripTime?: number }) => {
      if (stat.type === 'inbound-rtp' && stat.kind === 'video') {
        if (stat.bytesReceived !== undefined) {
          if (this.lastStats && at > this.lastStats.at) change.bitrate = Math.round(((stat.bytesReceived - this.lastStats.bytes) * 8 * 1000) / (at - this.lastStats.at));
          this.lastStats = { at, bytes: stat.bytesReceived };
        }
        if (stat.jitter !== undefined) change.jitterMs = Math.round(stat.jitter * 1000);
      }
      if (stat.type === 'candidate-pair' && stat.state === 'succeeded' && stat.nominated && stat.currentRoundTripTime !== undefined) {
        change.rttMs = Math.round(stat.currentRoundTripTime * 1000);
      }
    });
    return change;
  }
}
