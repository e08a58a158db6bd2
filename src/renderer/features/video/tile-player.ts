import { systemClock, type Clock } from '../../../shared/clock/index.js';

export type TileStatus = 'connecting' | 'live' | 'stalled' | 'reconnecting' | 'offline';

export interface TilePlayback {
  readonly status: TileStatus;
  /** Pixels of the picture being decoded, once known. */
  readonly resolution: { width: number; height: number } | null;
  /** Bits per second received. */
  readonly bitrate: number | null;
  /** Seconds behind the live edge (HLS: hls.js's own measure). */
  readonly latencyS: number | null;
  /** WebRTC: round-trip time to the SFU and the stream's jitter, from getStats. */
  readonly rttMs: number | null;
  readonly jitterMs: number | null;
  /** When the last frame was decoded: an offline tile says how old its picture is. */
  readonly lastFrameAt: number | null;
  /** The last error in words, for the tile's status line. */
  readonly problem: string | null;
}

const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];
/** No new frame for this long while it should be playing: the tile is stalled and says so. */
const STALL_AFTER_MS = 3000;
/** Still no frame after this long: the source is treated as offline (retries go on in the background). */
const OFFLINE_AFTER_MS = 10_000;

/**
 * What every tile player shares, whatever carries its stream: the status model (connecting, live, stalled,
 * reconnecting, offline), a watchdog that notices silent stalls from the <video> itself, and start-over with a
 * back-off that grows with each failure and resets once frames flow. A subclass says how to start and stop its stream
 * and what it measures; `dispose` stops everything, so a tile that changes camera never leaves a player behind.
 */
export abstract class TilePlayer {
  private state: TilePlayback = {
    status: 'connecting',
    resolution: null,
    bitrate: null,
    latencyS: null,
    rttMs: null,
    jitterMs: null,
    lastFrameAt: null,
    problem: null,
  };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly watchdog: ReturnType<typeof setInterval>;
  /** Durations (stall, offline, bitrate) on the monotonic reading; the last frame's time on the wall clock. */
  protected readonly clock: Clock = systemClock;
  private lastTime = 0;
  private lastProgressAt = this.clock.monotonicMs();
  protected disposed = false;

  constructor(
    protected readonly video: HTMLVideoElement,
    private readonly onChange: (playback: TilePlayback) => void,
  ) {
    video.muted = true;
    video.playsInline = true;
    this.watchdog = setInterval(() => this.checkProgress(), 1000);
  }

  get playback(): TilePlayback {
    return this.state;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.watchdog);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.stop();
    this.video.removeAttribute('src');
    this.video.srcObject = null;
    this.video.load();
  }

  /** Starts (or starts again) receiving and playing the stream. */
  protected abstract start(): void;
  /** Releases everything `start` made (decoder, buffers, connections). */
  protected abstract stop(): void;
  /** Measures taken each second while frames flow (picture size is taken here already). */
  protected measures(): Partial<TilePlayback> {
    return {};
  }

  /** A failure the stream does not recover from by itself: the tile says so and starts over after a back-off. */
  protected failed(problem: string): void {
    if (this.disposed) return;
    // A tile already offline stays offline through its failed retries; one that was playing says it is reconnecting.
    const status = this.state.lastFrameAt === null || this.state.status === 'offline' ? 'offline' : 'reconnecting';
    this.update({ status, problem });
    this.retry();
  }

  protected update(change: Partial<TilePlayback>): void {
    const next = { ...this.state, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    this.onChange(next);
  }

  private retry(): void {
    if (this.disposed || this.retryTimer !== null) return;
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)] as number;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.disposed) return;
      this.stop();
      this.start();
    }, delay);
  }

  private checkProgress(): void {
    const now = this.clock.monotonicMs();
    const time = this.video.currentTime;
    if (time > this.lastTime && !this.video.paused) {
      this.lastTime = time;
      this.lastProgressAt = now;
      this.attempt = 0;
      this.update({
        status: 'live',
        problem: null,
        lastFrameAt: this.clock.now().getTime(),
        resolution: this.video.videoWidth > 0 ? { width: this.video.videoWidth, height: this.video.videoHeight } : this.state.resolution,
        ...this.measures(),
      });
      return;
    }
    // A new stream starts its clock from zero.
    if (time < this.lastTime) this.lastTime = time;
    const silentFor = now - this.lastProgressAt;
    if (silentFor > OFFLINE_AFTER_MS && this.state.status !== 'offline') {
      this.update({ status: 'offline' });
      this.retry();
    } else if (silentFor > STALL_AFTER_MS && this.state.status === 'live') {
      // Only a tile that played can stall; one still connecting stays 'connecting' until frames arrive or it times out.
      this.update({ status: 'stalled' });
    }
  }
}
