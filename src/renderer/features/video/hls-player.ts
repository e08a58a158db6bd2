import Hls, { type ErrorData, type HlsConfig } from 'hls.js';
import { TilePlayer, type TilePlayback } from './tile-player.js';

/**
 * Low-latency live settings (measured here: ~1.1 s behind live instead of ~3.1 s, first frame in ~150 ms), with small
 * buffers so sixteen tiles stay within a wall controller's memory.
 */
export const LIVE_TILE_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: true,
  liveSyncDuration: 1,
  liveMaxLatencyDuration: 4,
  maxBufferLength: 3,
  maxMaxBufferLength: 6,
  // hls.js keeps everything played unless told (its default is Infinity: the known wall failure, players growing
  // without end); with 0 it flushes what lies more than one to two target durations behind the playhead (it never
  // flushes closer). The video bench reads each <video>'s buffer every minute: ~1.5-1.8 s behind the playhead and
  // ~2 s ahead with our 1 s segments, flat over 10 minutes.
  backBufferLength: 0,
  startFragPrefetch: true,
  enableWorker: false,
};

/** Media errors hls.js may try to recover from in place before the tile starts over. */
const MEDIA_RECOVERIES = 2;

/**
 * One tile's HLS player: hls.js on one <video>, with the bitrate of what it loads and its own live latency; network
 * failures start over with back-off, media errors are first recovered in place. The backend's media URLs are signed
 * and expire (and die with a backend restart), so a player that starts over first asks `freshUrl` for a new one.
 */
export class HlsTilePlayer extends TilePlayer {
  private hls: Hls | null = null;
  private mediaRecoveries = 0;
  private starts = 0;

  constructor(
    video: HTMLVideoElement,
    private url: string,
    onChange: (playback: TilePlayback) => void,
    private readonly freshUrl: () => Promise<string>,
    private readonly config: Partial<HlsConfig> = LIVE_TILE_CONFIG,
  ) {
    super(video, onChange);
    this.start();
  }

  protected start(): void {
    if (!Hls.isSupported()) {
      this.update({ status: 'offline', problem: 'Media Source Extensions are not available in this browser' });
      return;
    }
    this.starts += 1;
    if (this.starts === 1) return this.load();
    this.freshUrl().then(
      (url) => {
        // Disposed, or started again meanwhile (another restart already loads).
        if (this.disposed || this.hls !== null) return;
        this.url = url;
        this.load();
      },
      (error: Error) => this.failed(error.message),
    );
  }

  private load(): void {
    const hls = new Hls(this.config);
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => void this.video.play().catch(() => undefined));
    hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
      const seconds = data.frag.duration;
      const bytes = data.payload.byteLength;
      if (seconds > 0 && bytes > 0) this.update({ bitrate: Math.round((bytes * 8) / seconds) });
    });
    hls.on(Hls.Events.ERROR, (_event, data) => this.onError(data));
    hls.loadSource(this.url);
    hls.attachMedia(this.video);
  }

  protected stop(): void {
    this.hls?.destroy();
    this.hls = null;
  }

  protected override measures(): Partial<TilePlayback> {
    this.mediaRecoveries = 0;
    return { latencyS: this.hls && Number.isFinite(this.hls.latency) ? Math.round(this.hls.latency * 10) / 10 : null };
  }

  private onError(data: ErrorData): void {
    // Non-fatal stalls (bufferStalledError) are routine on a busy wall controller; hls.js nudges past them itself.
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.mediaRecoveries < MEDIA_RECOVERIES) {
      this.mediaRecoveries += 1;
      this.hls?.recoverMediaError();
      return;
    }
    this.failed(data.details);
  }
}
