import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freeUdpPortPairs, mediasoupWorkerBin, RtpTestCamera } from '../../../test/helpers/ffmpeg-cameras.js';
import { processAlive } from '../../../test/helpers/processes.js';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { Sfu, startSfuFor } from './sfu.js';
import { ffmpegInstalled } from './live-encoding.js';
import { VirtualPtzCamera } from './ptz/virtual-ptz-camera.js';

const workerBin = mediasoupWorkerBin();
if (workerBin === null) console.log('SKIPPED: the SFU tests need a mediasoup worker (MEDIASOUP_WORKER_BIN or ../shared/tools/mediasoup-worker).');

/** What a browser's device would offer: mediasoup-client sends its own; these are the fields the SFU matches on. */
const browserCapabilities = {
  codecs: [
    { kind: 'video' as const, mimeType: 'video/H264', clockRate: 90_000, preferredPayloadType: 102, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 }, rtcpFeedback: [] },
    { kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90_000, preferredPayloadType: 96, rtcpFeedback: [] },
  ],
  headerExtensions: [],
};

describe.skipIf(workerBin === null)('the SFU (a real mediasoup worker)', () => {
  let sfu: Sfu;

  beforeAll(async () => {
    process.env.MEDIASOUP_WORKER_BIN ??= workerBin as string;
    const [port = 0] = await freeUdpPortPairs(1);
    const started = await startSfuFor([{ streamId: 'cm900001-sub', source: { kind: 'rtp', port, source: '127.0.0.1', codec: 'H264', payloadType: 102, ssrc: 1111 } }], { listenIp: '127.0.0.1' }, recordingLogger(), false);
    if ('unavailable' in started) throw new Error(started.unavailable);
    sfu = started;
  });

  afterAll(() => sfu?.stop());

  it('offers H.264 and VP8, and opens a transport with a consumer of a feed for a console', async () => {
    expect(sfu.capabilities().codecs?.map((codec) => codec.mimeType)).toEqual(expect.arrayContaining(['video/H264', 'video/VP8']));
    const session = await sfu.open('console-a', 'cm900001-sub', browserCapabilities);
    expect(session.transport.iceCandidates[0]).toMatchObject({ address: '127.0.0.1' });
    expect(session.consumer.rtpParameters.codecs[0]?.mimeType).toBe('video/H264');
    expect(sfu.sessionCount()).toBe(1);
    sfu.close('console-a', session.sessionId);
    expect(sfu.sessionCount()).toBe(0);
  });

  it('keeps a console to its own sessions, closes them all when it goes, and refuses unknown streams', async () => {
    const first = await sfu.open('console-a', 'cm900001-sub', browserCapabilities);
    await sfu.open('console-a', 'cm900001-sub', browserCapabilities);
    const other = await sfu.open('console-b', 'cm900001-sub', browserCapabilities);
    expect(() => sfu.close('console-b', first.sessionId)).toThrow(/no WebRTC session/);
    sfu.closeConsole('console-a');
    expect(sfu.sessionCount()).toBe(1);
    sfu.close('console-b', other.sessionId);
    await expect(sfu.open('console-a', 'cm999999-sub', browserCapabilities)).rejects.toThrow(/no stream cm999999-sub/);
    await expect(sfu.open('console-a', 'cm900001-sub', { codecs: [browserCapabilities.codecs[1] as (typeof browserCapabilities.codecs)[number]], headerExtensions: [] })).rejects.toThrow(
      /cannot decode stream cm900001-sub \(video\/H264\)/,
    );
  });

  it('says why WebRTC is unavailable where no camera streams over it', async () => {
    expect(await startSfuFor([], undefined, recordingLogger(), false)).toEqual({ unavailable: 'No camera of this backend streams over WebRTC.' });
  });

  it('runs an on-demand feed only while a window plays it, and a little after', async () => {
    const local = await Sfu.start([], { listenIp: '127.0.0.1', logger: recordingLogger(), onDemandLingerMs: 100 });
    // The linger is a span of time: the test steps its own clock past it, so neither a slow open on a loaded machine
    // (outrunning a real 100 ms) nor a sleep decides the outcome. Only timers are faked: the worker still answers.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const events: string[] = [];
      let ports = { rtpPort: 0, rtcpPort: 0 };
      await local.receiveOnDemand('cm900009-ptz', { codec: 'H264', payloadType: 102, ssrc: 9999 }, 40_900, (given) => {
        ports = given;
        return { start: async () => void events.push('start'), stop: () => void events.push('stop') };
      });
      expect(ports.rtpPort).toBeGreaterThan(0);
      expect(ports.rtcpPort).not.toBe(ports.rtpPort);
      expect(events).toEqual([]);
      const first = await local.open('console-a', 'cm900009-ptz', browserCapabilities);
      const second = await local.open('console-b', 'cm900009-ptz', browserCapabilities);
      expect(events).toEqual(['start']);
      // One window left: well past the linger, the feed still runs for the other.
      local.close('console-a', first.sessionId);
      vi.advanceTimersByTime(1000);
      expect(events).toEqual(['start']);
      local.close('console-b', second.sessionId);
      // Back within the linger: it keeps running.
      const third = await local.open('console-a', 'cm900009-ptz', browserCapabilities);
      vi.advanceTimersByTime(1000);
      expect(events).toEqual(['start']);
      local.close('console-a', third.sessionId);
      vi.advanceTimersByTime(99);
      expect(events).toEqual(['start']);
      vi.advanceTimersByTime(1);
      expect(events).toEqual(['start', 'stop']);
    } finally {
      vi.useRealTimers();
      local.stop();
    }
  });

  it.skipIf(!ffmpegInstalled())('takes a virtual PTZ camera\'s RTP again after its ffmpeg is stopped and started (a new process, the same sender ports)', async () => {
    const local = await Sfu.start([], { listenIp: '127.0.0.1', logger: recordingLogger() });
    const [senderPort = 0] = await freeUdpPortPairs(1);
    const camera = await local.receiveOnDemand('cm900010-ptz', { codec: 'H264', payloadType: 102, ssrc: 7777 }, senderPort, (ports) =>
      new VirtualPtzCamera('CM900010', '50010300001320900010', { ...ports, localRtpPort: senderPort, payloadType: 102, ssrc: 7777 }, recordingLogger()),
    );
    try {
      await camera.start();
      const firstRun = await waitUntil(() => local.receivedBytes('cm900010-ptz'), (bytes) => bytes > 10_000, 'the first ffmpeg\'s RTP in the SFU', 10_000);
      const stopped = camera.ffmpegPid as number;
      camera.stop();
      // The next ffmpeg sends from the same ports: it starts once the first has let them go.
      await waitUntil(() => processAlive(stopped), (alive) => !alive, 'the stopped ffmpeg to exit', 10_000);
      await camera.start();
      await waitUntil(() => local.receivedBytes('cm900010-ptz'), (bytes) => bytes > firstRun + 10_000, 'the new ffmpeg\'s RTP in the SFU', 10_000);
    } finally {
      camera.dispose();
      local.stop();
    }
  }, 20_000);

  describe.skipIf(!ffmpegInstalled())('a configured RTP feed (real ffmpeg encoders)', () => {
    /** The feed's bytes in the SFU once it has taken at least `more` beyond `after`, or a timeout. */
    const receivesMore = (local: Sfu, streamId: string, after: number, more = 10_000) =>
      expect.poll(() => local.receivedBytes(streamId), { timeout: 10_000, interval: 200 }).toBeGreaterThan(after + more);

    it('plays only its configured sender, and takes that encoder again when it restarts from a new port', async () => {
      const [port = 0, firstLocal = 0, secondLocal = 0, foreignLocal = 0] = await freeUdpPortPairs(4);
      const logger = recordingLogger();
      const codec = { codec: 'H264' as const, payloadType: 102, ssrc: 3333 };
      const local = await Sfu.start([{ streamId: 'cm900003-sub', source: { kind: 'rtp', port, source: '127.0.0.1', ...codec } }], { listenIp: '127.0.0.1', logger });
      // The same stream (port, SSRC) sent first from another address of this machine: a sender that is not the feed's.
      const foreign = new RtpTestCamera({ kind: 'rtp', port, localPort: foreignLocal, ...codec }, { label: 'FAKE' }, '127.0.0.2');
      const first = new RtpTestCamera({ kind: 'rtp', port, localPort: firstLocal, ...codec }, { label: 'REAL' });
      const restarted = new RtpTestCamera({ kind: 'rtp', port, localPort: secondLocal, ...codec }, { label: 'REAL' });
      try {
        foreign.process.start();
        await expect.poll(() => local.health().droppedFromOtherSenders['cm900003-sub'], { timeout: 10_000, interval: 100 }).toBeGreaterThan(50);
        expect(await local.receivedBytes('cm900003-sub')).toBe(0);
        expect(logger.records.filter((record) => record.message.includes('not the feed'))).toHaveLength(1);
        expect(logger.records.find((record) => record.message.includes('not the feed'))?.fields).toMatchObject({ from: expect.stringMatching(/^127\.0\.0\.2:/) });

        // The real encoder plays while the foreign one keeps sending, and again after a restart from another port.
        first.process.start();
        await receivesMore(local, 'cm900003-sub', 0);
        await first.process.kill();
        const beforeRestart = await local.receivedBytes('cm900003-sub');
        restarted.process.start();
        await receivesMore(local, 'cm900003-sub', beforeRestart);
        // Never a byte of the foreign sender's: it still sends and is still dropped.
        const dropped = local.health().droppedFromOtherSenders['cm900003-sub'] ?? 0;
        await expect.poll(() => local.health().droppedFromOtherSenders['cm900003-sub'], { timeout: 5000, interval: 100 }).toBeGreaterThan(dropped);
      } finally {
        await Promise.all([foreign.process.kill(), first.process.kill(), restarted.process.kill()]);
        local.stop();
      }
    }, 40_000);

    it('restarts a mediasoup worker killed mid-play, and the feed and new sessions play again', async () => {
      const [port = 0, senderLocal = 0] = await freeUdpPortPairs(2);
      const logger = recordingLogger();
      const codec = { codec: 'H264' as const, payloadType: 102, ssrc: 4444 };
      const local = await Sfu.start([{ streamId: 'cm900004-sub', source: { kind: 'rtp', port, source: '127.0.0.1', ...codec } }], { listenIp: '127.0.0.1', logger });
      const encoder = new RtpTestCamera({ kind: 'rtp', port, localPort: senderLocal, ...codec }, { label: 'CM900004' });
      try {
        encoder.process.start();
        await receivesMore(local, 'cm900004-sub', 0);
        await local.open('console-a', 'cm900004-sub', browserCapabilities);
        const pid = local.workerPid() as number;
        process.kill(pid, 'SIGKILL');
        await expect.poll(() => local.health().worker, { timeout: 5000, interval: 50 }).toBe('restarting');
        expect(local.sessionCount()).toBe(0);
        await expect(local.open('console-a', 'cm900004-sub', browserCapabilities)).rejects.toThrow(/restarting/);
        await expect.poll(() => local.health(), { timeout: 10_000, interval: 100 }).toMatchObject({ worker: 'running', workerRestarts: 1 });
        expect(local.workerPid()).not.toBe(pid);
        // A new producer counts from 0: the encoder, never restarted, plays through the same gate.
        await receivesMore(local, 'cm900004-sub', 0);
        const session = await local.open('console-a', 'cm900004-sub', browserCapabilities);
        expect(session.consumer.rtpParameters.codecs[0]?.mimeType).toBe('video/H264');
        expect(logger.records.map((record) => record.message)).toEqual(
          expect.arrayContaining(['the mediasoup worker died: WebRTC cameras are offline until it restarts', 'the mediasoup worker was restarted; WebRTC cameras play again']),
        );
      } finally {
        await encoder.process.kill();
        local.stop();
      }
    }, 40_000);
  });
});
