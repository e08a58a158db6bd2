import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPortPairs, mediasoupWorkerBin } from '../../../test/helpers/ffmpeg-cameras.js';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
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
    const started = await startSfuFor([{ streamId: 'cm900001-sub', source: { kind: 'rtp', port, codec: 'H264', payloadType: 102, ssrc: 1111 } }], { listenIp: '127.0.0.1' }, recordingLogger(), false);
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
    try {
      const events: string[] = [];
      let ports = { rtpPort: 0, rtcpPort: 0 };
      await local.receiveOnDemand('cm900009-ptz', { kind: 'rtp', codec: 'H264', payloadType: 102, ssrc: 9999 }, 40_900, (given) => {
        ports = given;
        return { start: async () => void events.push('start'), stop: () => void events.push('stop') };
      });
      expect(ports.rtpPort).toBeGreaterThan(0);
      expect(ports.rtcpPort).not.toBe(ports.rtpPort);
      expect(events).toEqual([]);
      const first = await local.open('console-a', 'cm900009-ptz', browserCapabilities);
      const second = await local.open('console-b', 'cm900009-ptz', browserCapabilities);
      expect(events).toEqual(['start']);
      local.close('console-a', first.sessionId);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(events).toEqual(['start']);
      local.close('console-b', second.sessionId);
      // Back within the linger: it keeps running.
      const third = await local.open('console-a', 'cm900009-ptz', browserCapabilities);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(events).toEqual(['start']);
      local.close('console-a', third.sessionId);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(events).toEqual(['start', 'stop']);
    } finally {
      local.stop();
    }
  });

  it.skipIf(!ffmpegInstalled())('takes a virtual PTZ camera\'s RTP again after its ffmpeg is stopped and started (a new process, the same sender ports)', async () => {
    const local = await Sfu.start([], { listenIp: '127.0.0.1', logger: recordingLogger() });
    const [senderPort = 0] = await freeUdpPortPairs(1);
    const camera = await local.receiveOnDemand('cm900010-ptz', { kind: 'rtp', codec: 'H264', payloadType: 102, ssrc: 7777 }, senderPort, (ports) =>
      new VirtualPtzCamera('CM900010', '50010300001320900010', { ...ports, localRtpPort: senderPort, payloadType: 102, ssrc: 7777 }, recordingLogger()),
    );
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      await camera.start();
      await sleep(1500);
      const firstRun = await local.receivedBytes('cm900010-ptz');
      expect(firstRun).toBeGreaterThan(10_000);
      camera.stop();
      await sleep(500);
      await camera.start();
      await sleep(1500);
      expect(await local.receivedBytes('cm900010-ptz')).toBeGreaterThan(firstRun + 10_000);
    } finally {
      camera.dispose();
      local.stop();
    }
  }, 20_000);
});

