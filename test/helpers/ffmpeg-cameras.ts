import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ConfiguredCameraSchema, StreamSource } from '../../src/shared/media/cameras.js';
import { FFMPEG_BIN as FFMPEG_PATH, liveEncoderArgs, liveTestPictureInput } from '../../src/backend/media/live-encoding.js';
import { repoRoot } from './processes.js';
import { waitUntil } from './wait.js';

export { FFMPEG_BIN as FFMPEG_PATH } from '../../src/backend/media/live-encoding.js';

/** The picture of a test camera: small, so that sixteen of them and their decoding fit a two-core machine. */
export interface LivePicture {
  /** Burnt into the picture beside the wall clock, so a frame says which camera and when. */
  label: string;
  width?: number;
  height?: number;
  fps?: number;
  /** H.264 constrained baseline (default) or VP8. */
  codec?: 'H264' | 'VP8';
}

/** ffmpeg arguments for a live camera picture: testsrc2 with the camera's label and the wall clock burnt in, encoded for live. */
export function livePictureArgs({ label, width = 320, height = 180, fps = 15, codec = 'H264' }: LivePicture): string[] {
  return [
    ...liveTestPictureInput(width, height, fps),
    '-vf',
    `drawtext=text='${label} %{localtime\\:%T}':fontsize=${Math.round(height / 10)}:fontcolor=white:box=1:boxcolor=black@0.6:x=6:y=6`,
    ...liveEncoderArgs(codec, fps, '150k'),
  ];
}

/** One ffmpeg process that can be killed (a camera or encoder dying) and started again with the same arguments. */
export class FfmpegProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly args: readonly string[],
    private readonly beforeStart: () => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What ffmpeg printed (errors only), for a failing test's message. */
  log(): string {
    return this.output;
  }

  start(): void {
    if (this.running) return;
    if (!existsSync(FFMPEG_PATH)) throw new Error(`ffmpeg is not at ${FFMPEG_PATH}: install Debian's ffmpeg (apt-get install ffmpeg) or set ZHILI_FFMPEG.`);
    this.beforeStart();
    const child = spawn(FFMPEG_PATH, this.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    // A spawn that fails is a test camera that never runs (its log says why), not an error that ends the test run.
    child.on('error', (error) => (this.output += `\n${error.message}`));
    this.child = child;
  }

  /** Kills it as a crash would (SIGKILL: no clean end of stream). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/** A live HLS camera: ffmpeg writing 1-second segments and a sliding six-segment playlist into its own folder. */
export class HlsTestCamera {
  readonly process: FfmpegProcess;

  constructor(
    readonly name: string,
    readonly dir: string,
    picture: LivePicture,
  ) {
    const args = [
      ...livePictureArgs(picture),
      '-f',
      'hls',
      '-hls_time',
      '1',
      '-hls_list_size',
      '6',
      '-hls_flags',
      // Program date-times let a player (and the video bench) tell how far behind the encoder's clock it plays.
      'delete_segments+temp_file+program_date_time',
      '-hls_segment_filename',
      join(dir, 'seg-%05d.ts'),
      join(dir, 'index.m3u8'),
    ];
    // A restarted encoder starts a new stream: nothing of the dead one is served again.
    this.process = new FfmpegProcess(args, () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    });
  }
}

/**
 * Live HLS test cameras behind one small media server on loopback, which serves a camera's stream only while its
 * encoder runs (as a media server drops a stream whose publisher is gone): `http://127.0.0.1:<port>/<name>/index.m3u8`.
 */
export class HlsTestCameras {
  private constructor(
    readonly cameras: readonly HlsTestCamera[],
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(root: string, pictures: readonly LivePicture[]): Promise<HlsTestCameras> {
    const cameras = pictures.map((picture, index) => new HlsTestCamera(`cam${String(index + 1).padStart(2, '0')}`, join(root, `cam${index + 1}`), picture));
    const byName = new Map(cameras.map((camera) => [camera.name, camera]));
    const server = createServer((request, response) => {
      const match = /^\/(cam\d+)\/([\w.-]+\.(m3u8|ts))$/.exec(new URL(request.url ?? '/', 'http://media.invalid').pathname);
      const camera = match ? byName.get(match[1] as string) : undefined;
      const file = camera && match ? join(camera.dir, match[2] as string) : null;
      if (!camera?.process.running || file === null || !existsSync(file)) {
        response.writeHead(404);
        return void response.end();
      }
      const playlist = file.endsWith('.m3u8');
      response.writeHead(200, {
        'Content-Type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        'Content-Length': statSync(file).size,
        'Cache-Control': 'no-store',
      });
      createReadStream(file).on('error', () => response.destroy()).pipe(response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    for (const camera of cameras) camera.process.start();
    return new HlsTestCameras(cameras, server, `http://127.0.0.1:${port}`);
  }

  playlistUrl(camera: HlsTestCamera): string {
    return `${this.origin}/${camera.name}/index.m3u8`;
  }

  /** Resolves once every camera's playlist lists segments (a fresh encoder needs a second or two). */
  async ready(timeoutMs = 20_000): Promise<void> {
    const silent = () => this.cameras.filter((camera) => !existsSync(join(camera.dir, 'index.m3u8')));
    await waitUntil(() => silent().map((camera) => camera.name), (names) => names.length === 0, 'every camera to write its playlist', timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message} ffmpeg: ${silent()[0]?.process.log() ?? ''}`, { cause: error });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.cameras.map((camera) => camera.process.kill()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Where the test cameras stand: a spot of the test city with no catalogue camera near, so they are the nearest ones. */
export const TEST_CAMERAS_CENTRE: [number, number] = [106.7012, 29.3915];

/**
 * The cameras file entry of test camera `n` (1…99): id CM9000nn, a few metres east of `centre` (nearest first by n),
 * with the given streams.
 */
export function testCameraEntry(
  n: number,
  streams: { main: StreamSource; sub: StreamSource },
  centre: readonly [number, number] = TEST_CAMERAS_CENTRE,
): z.input<typeof ConfiguredCameraSchema> {
  const [lng, lat] = centre;
  return {
    id: `CM9000${String(n).padStart(2, '0')}`,
    code: `500103000813${String(900000 + n).padStart(8, '0')}`,
    name: `测试摄像机 ${n}`,
    position: [lng + n * 0.00005, lat],
    ptz: false,
    streams,
  };
}

/**
 * A live camera that pushes RTP to the backend's SFU (as an encoder or camera gateway would): ffmpeg sending RTP to the
 * SFU's port for it and RTCP to the next, from fixed local ports so that a restarted encoder is the same peer.
 */
export class RtpTestCamera {
  readonly process: FfmpegProcess;

  constructor(
    readonly source: { kind: 'rtp'; port: number; localPort: number; codec: 'H264' | 'VP8'; payloadType: number; ssrc: number },
    picture: LivePicture,
    /** The loopback address it sends from (another one than 127.0.0.1 plays a foreign sender). */
    readonly fromAddress = '127.0.0.1',
  ) {
    const url = `rtp://127.0.0.1:${source.port}?localaddr=${fromAddress}&localrtpport=${source.localPort}&pkt_size=1200`;
    this.process = new FfmpegProcess([...livePictureArgs({ ...picture, codec: source.codec }), '-f', 'rtp', '-payload_type', String(source.payloadType), '-ssrc', String(source.ssrc), url]);
  }

  /** The cameras file's stream source for it (only its address may send it). */
  streamSource(): StreamSource {
    const { kind, port, codec, payloadType, ssrc } = this.source;
    return { kind, port, source: this.fromAddress, codec, payloadType, ssrc };
  }
}

export { freeUdpPortPairs } from '../../src/backend/media/free-ports.js';

/**
 * The mediasoup worker the WebRTC tests use: MEDIASOUP_WORKER_BIN, or the one built for Debian beside the checkout
 * (../shared/tools/mediasoup-worker); null when neither exists (the WebRTC tests then say they are skipped).
 */
export function mediasoupWorkerBin(): string | null {
  const candidates = [process.env.MEDIASOUP_WORKER_BIN, join(repoRoot, '..', 'shared', 'tools', 'mediasoup-worker', 'mediasoup-worker')];
  const worker = candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
  return worker !== undefined && existsSync(join(repoRoot, 'node_modules', 'mediasoup', 'package.json')) ? worker : null;
}
