import { createSocket } from 'node:dgram';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processAlive } from '../../../../test/helpers/processes.js';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { PTZ_MOVE_LEASE_MS } from '../../../shared/media/ptz.js';
import { freeUdpPortPairs } from '../free-ports.js';
import { ffmpegInstalled } from '../live-encoding.js';
import { VirtualPtzCamera, viewCommands } from './virtual-ptz-camera.js';
import { HOME, advance } from './virtual-ptz-view.js';

if (!ffmpegInstalled()) console.log('SKIPPED: the virtual PTZ camera tests need ffmpeg (apt-get install ffmpeg).');

interface RtpSink {
  port: number;
  packets: () => number;
  packetsFrom: (port: number) => number;
  /** Video frames seen: distinct RTP timestamps (a frame spans several packets, a key frame dozens). */
  frames: () => number;
  senders: () => Set<number>;
  close: () => void;
}

/** A UDP port that counts the RTP packets ffmpeg sends it (the SFU's place in these tests), by sender port. */
async function rtpSink(): Promise<RtpSink> {
  const socket = createSocket('udp4');
  const bySender = new Map<number, number>();
  const timestamps = new Set<number>();
  socket.on('message', (message, sender) => {
    bySender.set(sender.port, (bySender.get(sender.port) ?? 0) + 1);
    if (message.length >= 12) timestamps.add(message.readUInt32BE(4));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    packets: () => [...bySender.values()].reduce((sum, count) => sum + count, 0),
    packetsFrom: (port) => bySender.get(port) ?? 0,
    frames: () => timestamps.size,
    senders: () => new Set(bySender.keys()),
    close: () => socket.close(),
  };
}

/**
 * Sends the sink one datagram from a socket of its own and waits until it is counted: on loopback whatever reached the
 * sink's port before it has been counted too, so a sender that is gone is seen to have sent nothing since.
 */
async function drained(sink: RtpSink): Promise<void> {
  const marker = createSocket('udp4');
  await new Promise<void>((resolve) => marker.bind(0, '127.0.0.1', resolve));
  const from = marker.address().port;
  try {
    marker.send('marker', sink.port, '127.0.0.1');
    await expect.poll(() => sink.packetsFrom(from), { timeout: 5000 }).toBe(1);
  } finally {
    marker.close();
  }
}

const senderPort = async () => (await freeUdpPortPairs(1))[0] as number;
/** How long a move's lease may take to end on a busy machine, beyond the lease itself. */
const LEASE_SLACK_MS = 5000;

describe('viewCommands', () => {
  it('sets the zoom, the view and the burnt-in position in one batch', () => {
    expect(viewCommands(HOME)).toEqual(['scale@zoom w 1440', 'scale@zoom h 810', 'crop@view x 240', 'crop@view y 135', "drawtext@position reinit text='PAN 50  TILT 50  ZOOM 1.0x'"]);
  });
});

describe('a virtual PTZ camera\'s lease and faults', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('ends a move with its lease, having turned for the lease, even when the wall clock steps back an hour meanwhile', async () => {
    // Nobody watches (no ffmpeg): the camera still turns, and still stops.
    const camera = new VirtualPtzCamera('CM000001', '50010300001320000001', { rtpPort: 9, rtcpPort: 10, localRtpPort: await senderPort(), payloadType: 102, ssrc: 4242 }, recordingLogger());
    const velocity = { pan: 0.2, tilt: 0, zoom: 0 };
    try {
      await camera.command({ kind: 'move', ...velocity });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 3_600_000);
      await vi.waitUntil(() => !camera.moving, { timeout: PTZ_MOVE_LEASE_MS + LEASE_SLACK_MS, interval: 50 });
      // A wall-clock lease would have frozen the head here (its time ran backwards) and turned it an hour later.
      const stopped = await camera.command({ kind: 'stop' });
      expect(stopped.pan).toBeCloseTo(advance(HOME, velocity, PTZ_MOVE_LEASE_MS / 1000).pan, 3);
    } finally {
      camera.dispose();
    }
  });

  it('reports an ffmpeg that cannot be run as a failed start, and the process goes on', async () => {
    const notRunnable = join(mkdtempSync(join(tmpdir(), 'zhili-ffmpeg-')), 'ffmpeg');
    writeFileSync(notRunnable, '');
    chmodSync(notRunnable, 0o644);
    vi.stubEnv('ZHILI_FFMPEG', notRunnable);
    vi.resetModules();
    const { VirtualPtzCamera: Fresh } = await import('./virtual-ptz-camera.js');
    const logger = recordingLogger();
    const camera = new Fresh('CM000001', '50010300001320000001', { rtpPort: 9, rtcpPort: 10, localRtpPort: await senderPort(), payloadType: 102, ssrc: 4242 }, logger);
    try {
      await expect(camera.start()).rejects.toThrow(/ffmpeg exited before taking PTZ commands:.*EACCES/s);
      expect(logger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: "the virtual PTZ camera's ffmpeg cannot run" }));
      expect(camera.ffmpegPid).toBeNull();
    } finally {
      camera.dispose();
    }
  });
});

describe.skipIf(!ffmpegInstalled())('a virtual PTZ camera (a real ffmpeg)', () => {
  let camera: VirtualPtzCamera | null = null;
  const sinks: { close: () => void }[] = [];
  afterEach(() => {
    camera?.dispose();
    for (const sink of sinks.splice(0)) sink.close();
  });

  it('streams RTP, takes moves through ffmpeg, stops by itself when a move is not renewed, and goes home', async () => {
    const rtp = await rtpSink();
    sinks.push(rtp);
    camera = new VirtualPtzCamera('CM000001', '50010300001320000001', { rtpPort: rtp.port, rtcpPort: rtp.port + 1, localRtpPort: await senderPort(), payloadType: 102, ssrc: 4242 }, recordingLogger());
    await camera.start();
    await expect.poll(() => rtp.packets(), { timeout: 10_000 }).toBeGreaterThan(10);

    const move = { kind: 'move', pan: 1, tilt: 0, zoom: 1 } as const;
    const start = await camera.command(move);
    expect(start).toEqual(HOME);
    // Renewed while it turns, as a held button renews it: the head pans right and zooms in, level.
    await expect.poll(async () => camera?.command(move), { timeout: 10_000 }).toSatisfy((position) => position !== undefined && position.pan > 0.6 && position.zoom > 1.2 && position.tilt === 0.5);
    // Not renewed: the move ends with its lease, by itself.
    await vi.waitUntil(() => camera?.moving === false, { timeout: PTZ_MOVE_LEASE_MS + LEASE_SLACK_MS, interval: 50 });
    const leased = await camera.command({ kind: 'stop' });
    expect(leased.pan).toBe(1);

    expect(await camera.command({ kind: 'home' })).toEqual(HOME);
    const before = rtp.packets();
    await expect.poll(() => rtp.packets(), { timeout: 10_000 }).toBeGreaterThan(before);
  }, 20_000);

  it('keeps its position across a stop and start, and moves while nobody watches', async () => {
    const rtp = await rtpSink();
    sinks.push(rtp);
    camera = new VirtualPtzCamera('CM000001', '50010300001320000001', { rtpPort: rtp.port, rtcpPort: rtp.port + 1, localRtpPort: await senderPort(), payloadType: 102, ssrc: 4242 }, recordingLogger());
    await camera.start();
    camera.stop();
    const move = { kind: 'move', pan: -1, tilt: 1, zoom: 0 } as const;
    await camera.command(move);
    await expect.poll(async () => camera?.command(move), { timeout: 10_000 }).toSatisfy((position) => position !== undefined && position.pan < 0.45 && position.tilt > 0.55);
    const turned = await camera.command({ kind: 'stop' });
    await camera.start();
    expect(await camera.command({ kind: 'stop' })).toEqual(turned);
    const before = rtp.packets();
    await expect.poll(() => rtp.packets(), { timeout: 10_000 }).toBeGreaterThan(before);
  }, 20_000);

  it('runs one ffmpeg however often it is started, always from the same sender port, and none after it is stopped', async () => {
    const rtp = await rtpSink();
    sinks.push(rtp);
    const port = await senderPort();
    camera = new VirtualPtzCamera('CM000001', '50010300001320000001', { rtpPort: rtp.port, rtcpPort: rtp.port + 1, localRtpPort: port, payloadType: 102, ssrc: 4242 }, recordingLogger());
    await Promise.allSettled([camera.start(), camera.start()]);
    await camera.start();
    await expect.poll(() => rtp.packets(), { timeout: 10_000 }).toBeGreaterThan(10);
    expect(rtp.senders()).toEqual(new Set([port]));
    // At 15 frames a second one ffmpeg sends a few dozen packets in a second; two would send twice as many from one port.
    // Counted over 15 frames (a second of video), so that a key frame's burst of packets averages out.
    const before = rtp.packets();
    const framesBefore = rtp.frames();
    const countFrom = performance.now();
    await expect.poll(() => rtp.frames(), { timeout: 10_000 }).toBeGreaterThanOrEqual(framesBefore + 15);
    const perSecond = (rtp.packets() - before) / ((performance.now() - countFrom) / 1000);
    const pid = camera.ffmpegPid as number;
    camera.stop();
    await vi.waitUntil(() => !processAlive(pid), { timeout: 10_000, interval: 50 });
    await drained(rtp);
    const after = rtp.packetsFrom(port);
    await drained(rtp);
    expect(rtp.packetsFrom(port)).toBe(after);
    expect(camera.ffmpegPid).toBeNull();
    expect(perSecond).toBeGreaterThan(0);
    expect(perSecond).toBeLessThan(400);
  }, 20_000);

  it('restarts an ffmpeg killed mid-play (kill -9), at the same position, from the same sender port', async () => {
    const rtp = await rtpSink();
    sinks.push(rtp);
    const port = await senderPort();
    const logger = recordingLogger();
    camera = new VirtualPtzCamera('CM000001', '50010300001320000001', { rtpPort: rtp.port, rtcpPort: rtp.port + 1, localRtpPort: port, payloadType: 102, ssrc: 4242 }, logger);
    await camera.start();
    const move = { kind: 'move', pan: 1, tilt: 0, zoom: 0 } as const;
    const turned = await camera.command(move);
    await expect.poll(async () => (await camera?.command(move))?.pan, { timeout: 10_000 }).toBeGreaterThan(turned.pan);
    const position = await camera.command({ kind: 'stop' });
    const killed = camera.ffmpegPid as number;
    process.kill(killed, 'SIGKILL');
    await expect.poll(() => camera?.ffmpegPid, { timeout: 10_000, interval: 100 }).not.toBe(killed);
    await expect.poll(() => camera?.ffmpegPid ?? null, { timeout: 10_000, interval: 100 }).not.toBeNull();
    const before = rtp.packets();
    await expect.poll(() => rtp.packets(), { timeout: 10_000, interval: 100 }).toBeGreaterThan(before + 10);
    expect(rtp.senders()).toEqual(new Set([port]));
    expect(await camera.command({ kind: 'stop' })).toEqual(position);
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: 'the virtual PTZ camera stopped; restarting it' }));
  }, 20_000);
});
