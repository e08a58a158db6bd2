import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { PTZ_MOVE_LEASE_MS, type PtzCommand, type PtzPosition } from '../../../shared/media/ptz.js';
import type { Logger } from '../../../node/logger.js';
import { ZmtpDealer } from '../zmtp-dealer.js';
import { HOME, SCENE, VIEW, advance, positionLabel, viewWindow, type PtzVelocity } from './virtual-ptz-view.js';

export const FFMPEG_BIN = process.env.ZHILI_FFMPEG ?? '/usr/bin/ffmpeg';

export function ffmpegInstalled(): boolean {
  return existsSync(FFMPEG_BIN);
}

/** Where the camera sends its RTP (the SFU's PlainTransport for it) and how. */
export interface RtpTarget {
  rtpPort: number;
  rtcpPort: number;
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
 * for its lease and stops by itself unless renewed. ffmpeg is restarted if it dies; the position survives it.
 */
export class VirtualPtzCamera {
  private child: ChildProcess | null = null;
  private control: ZmtpDealer | null = null;
  private position: PtzPosition = HOME;
  private velocity: PtzVelocity = { pan: 0, tilt: 0, zoom: 0 };
  private moveUntil = 0;
  private ticker: NodeJS.Timeout | null = null;
  private lastStep = 0;
  /** A view update is on its way to ffmpeg; a newer one waits for it rather than piling up. */
  private sending = false;
  private pendingSend = false;
  private stopped = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly cameraId: string,
    private readonly code: string,
    private readonly target: RtpTarget,
    private readonly logger: Logger,
  ) {}

  /** Starts ffmpeg (the SFU does, when a window first plays the camera); resolves once it takes PTZ commands. */
  async start(): Promise<void> {
    this.stopped = false;
    const zmqPort = await freeTcpPort();
    // The burnt-in clock is command-centre time, Beijing's, whatever the machine's zone.
    const child = spawn(FFMPEG_BIN, ffmpegArgs(this.code, this.target, zmqPort, this.position), {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, TZ: 'Asia/Shanghai' },
    });
    this.child = child;
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    child.on('exit', (code, signal) => {
      // A process stopped and replaced by a newer start is not this camera's concern any more.
      if (this.child !== child) return;
      this.control?.close();
      this.control = null;
      this.child = null;
      if (this.stopped) return;
      const wait = RESTART_BACKOFF_MS[Math.min(this.restarts++, RESTART_BACKOFF_MS.length - 1)];
      this.logger.warn('the virtual PTZ camera stopped; restarting it', { cameraId: this.cameraId, code, signal, errors: errors.trim(), restartInMs: wait });
      this.restartTimer = setTimeout(() => void this.start().catch((error: unknown) => this.logger.error('the virtual PTZ camera cannot restart', { cameraId: this.cameraId, error })), wait);
    });
    const control = await connectWhenListening(zmqPort, child);
    if (this.child !== child) {
      control.close();
      return;
    }
    this.control = control;
    this.restarts = 0;
  }

  /**
   * Applies a command; resolves with the position once ffmpeg has it (a move: where it starts from). A camera nobody
   * watches (ffmpeg not running) still moves: its next start shows where it turned to.
   */
  async command(command: PtzCommand): Promise<PtzPosition> {
    this.step();
    if (command.kind === 'move') {
      this.velocity = { pan: command.pan, tilt: command.tilt, zoom: command.zoom };
      this.moveUntil = Date.now() + PTZ_MOVE_LEASE_MS;
      this.ticker ??= setInterval(() => this.step(), STEP_MS);
    } else {
      this.halt();
      if (command.kind === 'home') this.position = HOME;
    }
    await this.send();
    return this.position;
  }

  /** Ends ffmpeg (nobody watches, or the backend stops); the position is kept for the next start. */
  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.control?.close();
    this.control = null;
    this.child?.kill('SIGTERM');
    this.child = null;
  }

  /** The backend stops: no move may outlive it. */
  dispose(): void {
    this.halt();
    this.stop();
  }

  private halt(): void {
    this.velocity = { pan: 0, tilt: 0, zoom: 0 };
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Moves the position on by the time since the last step, ending the move when its lease has run out. */
  private step(): void {
    const now = Date.now();
    const until = Math.min(now, this.moveUntil);
    if (this.ticker && until > this.lastStep) this.position = advance(this.position, this.velocity, (until - this.lastStep) / 1000);
    this.lastStep = now;
    if (this.ticker && now >= this.moveUntil) this.halt();
    if (this.ticker) this.send().catch((error: unknown) => this.logger.warn('a PTZ step did not reach ffmpeg', { cameraId: this.cameraId, error: (error as Error).message }));
  }

  private async send(): Promise<void> {
    if (this.sending) {
      this.pendingSend = true;
      return;
    }
    this.sending = true;
    try {
      do {
        this.pendingSend = false;
        const control = this.control;
        if (!control) return;
        const replies = await Promise.all(viewCommands(this.position).map((message) => control.request(message)));
        const failed = replies.find((reply) => !reply.startsWith('0 '));
        if (failed) throw new Error(`ffmpeg refused a PTZ view change: ${failed}`);
      } while (this.pendingSend);
    } finally {
      this.sending = false;
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
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${SCENE.width}x${SCENE.height}:rate=${FPS}`,
    '-vf',
    filters.join(','),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(FPS),
    '-keyint_min',
    String(FPS),
    '-sc_threshold',
    '0',
    '-b:v',
    '800k',
    '-f',
    'rtp',
    '-payload_type',
    String(target.payloadType),
    '-ssrc',
    String(target.ssrc),
    `rtp://127.0.0.1:${target.rtpPort}?rtcpport=${target.rtcpPort}&pkt_size=1200`,
  ];
}

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free TCP port');
  return address.port;
}

/** ffmpeg binds its zmq socket once its filter graph is up: retried for a few seconds. */
async function connectWhenListening(port: number, child: ChildProcess): Promise<ZmtpDealer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('ffmpeg exited before taking PTZ commands');
    try {
      return await ZmtpDealer.connect('127.0.0.1', port, 1000);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`ffmpeg took no PTZ commands on port ${port}: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
