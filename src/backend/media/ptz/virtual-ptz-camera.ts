import { spawn, type ChildProcess } from 'node:child_process';
import { PTZ_MOVE_LEASE_MS, type PtzCommand, type PtzPosition } from '../../../shared/media/ptz.js';
import type { Logger } from '../../../node/logger.js';
import { freeTcpPort } from '../free-ports.js';
import { FFMPEG_BIN, liveEncoderArgs, liveTestPictureInput } from '../live-encoding.js';
import { ZmtpDealer } from '../zmtp-dealer.js';
import { HOME, SCENE, VIEW, advance, positionLabel, viewWindow, type PtzVelocity } from './virtual-ptz-view.js';

/** Where the camera sends its RTP (the SFU's PlainTransport for it), from which ports, and how. */
export interface RtpTarget {
  rtpPort: number;
  rtcpPort: number;
  /** ffmpeg sends from this port (RTCP from the next): the SFU knows the feed by it, the same after every restart. */
  localRtpPort: number;
  payloadType: number;
  ssrc: number;
}

const FPS = 15;
/** How often a moving camera's view is recomputed and sent to ffmpeg. */
const STEP_MS = 100;
const RESTART_BACKOFF_MS = [1000, 2000, 5000, 10_000] as const;

/**
 * A PTZ camera of the demo city that really turns: ffmpeg renders a wide live scene (testsrc2 with a grid, the
 * camera's code and the clock), cuts the camera's view from it and sends it as H.264 RTP to the SFU; PTZ commands move
 * the view through ffmpeg's `zmq` filter (scale for the zoom, crop for pan and tilt, the position burnt in). A move runs
 * for its lease and stops by itself unless renewed. A running ffmpeg that dies (or stops answering commands) is
 * restarted; the position survives it, and a camera nobody watches still turns (its next start shows where).
 */
export class VirtualPtzCamera {
  private child: ChildProcess | null = null;
  private control: ZmtpDealer | null = null;
  private position: PtzPosition = HOME;
  private velocity: PtzVelocity = { pan: 0, tilt: 0, zoom: 0 };
  private moveUntil = 0;
  private ticker: NodeJS.Timeout | null = null;
  private lastStep = 0;
  /** The batch of view changes on its way to ffmpeg; a change made meanwhile is sent right after it, in the same loop. */
  private sendLoop: Promise<void> | null = null;
  private changed = false;
  /** Counts starts and stops: whatever an older start was waiting for is dropped once it has moved on. */
  private generation = 0;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly cameraId: string,
    private readonly code: string,
    private readonly target: RtpTarget,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts ffmpeg (the SFU does, when a window first plays the camera), ending any earlier one; resolves once it takes
   * PTZ commands. A start that fails leaves nothing running.
   */
  async start(): Promise<void> {
    const generation = this.end();
    const zmqPort = await freeTcpPort();
    if (generation !== this.generation) return;
    // The burnt-in clock is command-centre time, Beijing's, whatever the machine's zone.
    const child = spawn(FFMPEG_BIN, ffmpegArgs(this.code, this.target, zmqPort, this.position), {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, TZ: 'Asia/Shanghai' },
    });
    this.child = child;
    let errors = '';
    let started = false;
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    // ffmpeg that cannot be run (not executable, no memory for a process) is an error to report, not a crash; the
    // wait below sees that it never ran.
    child.on('error', (error) => {
      errors = `${errors}\n${error.message}`.slice(-2000);
      this.logger.warn('the virtual PTZ camera\'s ffmpeg cannot run', { cameraId: this.cameraId, error: error.message });
    });
    child.on('exit', (code, signal) => {
      // A process stopped or replaced by a newer start is not this camera's concern any more.
      if (this.child !== child) return;
      this.child = null;
      this.control?.close();
      this.control = null;
      if (!started) return;
      const wait = RESTART_BACKOFF_MS[Math.min(this.restarts++, RESTART_BACKOFF_MS.length - 1)];
      this.logger.warn('the virtual PTZ camera stopped; restarting it', { cameraId: this.cameraId, code, signal, errors: errors.trim(), restartInMs: wait });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.start().catch((error: unknown) => this.logger.error('the virtual PTZ camera cannot restart', { cameraId: this.cameraId, error: (error as Error).message }));
      }, wait);
    });
    let control: ZmtpDealer;
    try {
      control = await connectWhenListening(zmqPort, child);
    } catch (error) {
      if (this.child === child) this.end();
      throw new Error(`${(error as Error).message}${errors.trim() ? `: ${errors.trim()}` : ''}`, { cause: error });
    }
    if (this.child !== child) {
      control.close();
      return;
    }
    started = true;
    this.control = control;
    this.restarts = 0;
    // Moves made while it started: the picture catches up with the position.
    await this.send();
  }

  /**
   * Applies a command; resolves with the position once ffmpeg shows it (a move: where it starts from). A camera nobody
   * watches (ffmpeg not running) still moves: its next start shows where it turned to.
   */
  async command(command: PtzCommand): Promise<PtzPosition> {
    this.step();
    if (command.kind === 'move') {
      this.velocity = { pan: command.pan, tilt: command.tilt, zoom: command.zoom };
      // Monotonic: a wall clock stepped back (NTP, an operator) must not stretch a lease and keep the camera turning.
      this.moveUntil = performance.now() + PTZ_MOVE_LEASE_MS;
      this.ticker ??= setInterval(() => this.step(), STEP_MS);
    } else {
      this.halt();
      if (command.kind === 'home') this.position = HOME;
    }
    const position = this.position;
    await this.send();
    return position;
  }

  /** Whether a move is under way (its lease not yet run out, no stop since). */
  get moving(): boolean {
    return this.ticker !== null;
  }

  /** The running ffmpeg's process id, null when none runs (health, and tests that end it as a crash would). */
  get ffmpegPid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Ends ffmpeg (nobody watches); the position is kept for the next start. */
  stop(): void {
    this.end();
  }

  /** The backend stops: no move may outlive it. */
  dispose(): void {
    this.halt();
    this.end();
  }

  /** Ends the running ffmpeg and any restart waiting; returns the new generation. */
  private end(): number {
    this.generation++;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.control?.close();
    this.control = null;
    const child = this.child;
    this.child = null;
    child?.kill('SIGTERM');
    return this.generation;
  }

  private halt(): void {
    this.velocity = { pan: 0, tilt: 0, zoom: 0 };
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Moves the position on by the time since the last step, ending the move when its lease has run out. */
  private step(): void {
    const now = performance.now();
    const moving = this.ticker !== null;
    const until = Math.min(now, this.moveUntil);
    if (moving && until > this.lastStep) this.position = advance(this.position, this.velocity, (until - this.lastStep) / 1000);
    this.lastStep = now;
    if (!moving) return;
    if (now >= this.moveUntil) this.halt();
    this.send().catch((error: unknown) => this.logger.warn('a PTZ step did not reach ffmpeg', { cameraId: this.cameraId, error: (error as Error).message }));
  }

  /**
   * Sends the view as it is now; resolves once ffmpeg has a view at least as new as the caller's change. Changes made
   * while a batch is out go in the next batch of the same loop, so batches never pile up.
   */
  private send(): Promise<void> {
    this.changed = true;
    this.sendLoop ??= this.sendChanges().finally(() => (this.sendLoop = null));
    return this.sendLoop;
  }

  private async sendChanges(): Promise<void> {
    while (this.changed) {
      this.changed = false;
      const control = this.control;
      if (!control) return;
      let replies: string[];
      try {
        replies = await Promise.all(viewCommands(this.position).map((message) => control.request(message)));
      } catch (error) {
        // ffmpeg took a command and never answered: its zmq socket is stuck for good, so it is restarted.
        if (this.control === control) this.child?.kill('SIGKILL');
        throw error;
      }
      const failed = replies.find((reply) => !reply.startsWith('0 '));
      if (failed) throw new Error(`ffmpeg refused a PTZ view change: ${failed}`);
    }
  }
}

/** The zmq messages that put the view at `position` (ffmpeg applies them all before its next frame). */
export function viewCommands(position: PtzPosition): string[] {
  const view = viewWindow(position);
  return [
    `scale@zoom w ${view.scaledWidth}`,
    `scale@zoom h ${view.scaledHeight}`,
    `crop@view x ${view.x}`,
    `crop@view y ${view.y}`,
    `drawtext@position reinit text='${positionLabel(position)}'`,
  ];
}

export function ffmpegArgs(code: string, target: RtpTarget, zmqPort: number, position: PtzPosition): string[] {
  const view = viewWindow(position);
  const filters = [
    `drawgrid=w=${SCENE.width / 8}:h=${SCENE.height / 6}:t=3:c=white@0.5`,
    // Options inside a filter graph: the address's ':' escaped once for the option, once for the graph.
    `zmq=bind_address=tcp\\\\://127.0.0.1\\\\:${zmqPort}`,
    `scale@zoom=w=${view.scaledWidth}:h=${view.scaledHeight}:flags=fast_bilinear`,
    `crop@view=w=${VIEW.width}:h=${VIEW.height}:x=${view.x}:y=${view.y}`,
    // Inside the bands a tile covers with its caption and facts.
    `drawtext=text='${code} %{localtime\\:%Y-%m-%d %T}':fontsize=22:fontcolor=white:box=1:boxcolor=black@0.6:x=12:y=h/14`,
    `drawtext@position=text='${positionLabel(position)}':fontsize=22:fontcolor=yellow:box=1:boxcolor=black@0.6:x=12:y=h-th-h/12`,
  ];
  return [
    ...liveTestPictureInput(SCENE.width, SCENE.height, FPS),
    '-vf',
    filters.join(','),
    ...liveEncoderArgs('H264', FPS, '800k'),
    '-f',
    'rtp',
    '-payload_type',
    String(target.payloadType),
    '-ssrc',
    String(target.ssrc),
    `rtp://127.0.0.1:${target.rtpPort}?rtcpport=${target.rtcpPort}&localrtpport=${target.localRtpPort}&localrtcpport=${target.localRtpPort + 1}&pkt_size=1200`,
  ];
}

/** ffmpeg binds its zmq socket once its filter graph is up: retried for a few seconds. */
async function connectWhenListening(port: number, child: ChildProcess): Promise<ZmtpDealer> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('ffmpeg exited before taking PTZ commands');
    try {
      return await ZmtpDealer.connect('127.0.0.1', port, 1000);
    } catch (error) {
      if (performance.now() > deadline) throw new Error(`ffmpeg took no PTZ commands on port ${port}: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
