import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SfuClient } from './sfu-client.js';
import { WebRtcTilePlayer } from './webrtc-player.js';

/** A promise settled from outside, for an SFU answer that comes late. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Enough of a <video> for a tile player in Node. */
function fakeVideo() {
  return { muted: false, playsInline: false, currentTime: 0, paused: true, videoWidth: 0, videoHeight: 0, srcObject: null as unknown, removeAttribute: vi.fn(), load: vi.fn(), play: vi.fn(() => Promise.resolve()) };
}

/** An SFU whose `consume` answers when the test says, and a record of what was closed. */
function fakeSfu() {
  const consumed = later<{ track: object; close: () => void }>();
  const consumer = { track: {}, close: vi.fn() };
  const transport = { on: vi.fn(), close: vi.fn(), consume: vi.fn(() => consumed.promise) };
  const sfu = {
    device: vi.fn(() => Promise.resolve({ rtpCapabilities: {}, createRecvTransport: () => transport })),
    open: vi.fn(() => Promise.resolve({ sessionId: 'session-1', transport: {}, consumer: { id: 'c', producerId: 'p', kind: 'video', rtpParameters: {} } })),
    connect: vi.fn(() => Promise.resolve()),
    close: vi.fn(() => Promise.resolve()),
  };
  return { sfu, transport, consumer, consumed };
}

/** Lets the player's pending awaits run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a WebRTC tile player', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    vi.stubGlobal('MediaStream', class {
      constructor(readonly tracks: object[]) {}
    });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('plays the consumer once the SFU answers, and closes consumer, transport and session when disposed', async () => {
    const { sfu, transport, consumer, consumed } = fakeSfu();
    const video = fakeVideo();
    const player = new WebRtcTilePlayer(video as unknown as HTMLVideoElement, 'cam-1', sfu as unknown as SfuClient, () => undefined);
    await settle();
    consumed.resolve(consumer);
    await settle();
    expect(video.srcObject).not.toBeNull();
    player.dispose();
    expect(consumer.close).toHaveBeenCalled();
    expect(transport.close).toHaveBeenCalled();
    expect(sfu.close).toHaveBeenCalledWith('session-1');
  });

  it('closes the transport and session of a tile disposed while the consumer is still on its way, and never plays it', async () => {
    const { sfu, transport, consumer, consumed } = fakeSfu();
    const video = fakeVideo();
    const player = new WebRtcTilePlayer(video as unknown as HTMLVideoElement, 'cam-1', sfu as unknown as SfuClient, () => undefined);
    await settle();
    expect(transport.consume).toHaveBeenCalled();
    player.dispose();
    expect(transport.close).toHaveBeenCalled();
    expect(sfu.close).toHaveBeenCalledWith('session-1');
    consumed.resolve(consumer);
    await settle();
    expect(consumer.close).toHaveBeenCalled();
    expect(video.srcObject).toBeNull();
  });

  it('closes the transport of a start whose consume failed before starting over', async () => {
    const { sfu, transport, consumed } = fakeSfu();
    const statuses: string[] = [];
    const player = new WebRtcTilePlayer(fakeVideo() as unknown as HTMLVideoElement, 'cam-1', sfu as unknown as SfuClient, (playback) => statuses.push(playback.status));
    await settle();
    consumed.reject(new Error('consume refused'));
    await settle();
    expect(statuses).toContain('offline');
    // The retry's back-off runs out: the failed start is stopped, its transport and session closed, and a new one opened.
    vi.advanceTimersByTime(1000);
    expect(transport.close).toHaveBeenCalled();
    expect(sfu.close).toHaveBeenCalledWith('session-1');
    player.dispose();
  });
});
