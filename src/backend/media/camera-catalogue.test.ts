import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../shared/city/index.js';
import { StartupError } from '../../node/startup-error.js';
import { CameraCatalogue, readCamerasConfig } from './camera-catalogue.js';

const work = mkdtempSync(join(tmpdir(), 'zhili-cameras-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cityCamera = (n: number): Camera => ({
  id: `CM00000${n}`,
  code: `5001170008132600000${n}`,
  name: `城市摄像机 ${n}`,
  position: [106.5 + n / 100, 29.5],
  districtAdcode: '500117',
  ptz: n === 2,
  placement: 'risk-site',
  siteId: 'RS000001',
  streams: { main: `cm00000${n}-main`, sub: `cm00000${n}-sub` },
});

const file = (name: string, content: unknown) => {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const configured = {
  id: 'CM000002',
  code: '50010300081300000002',
  name: '解放碑步行街 (实景)',
  position: [106.5772, 29.5576],
  streams: {
    main: { kind: 'hls', url: 'http://10.1.2.3:8888/jfb/main/index.m3u8' },
    sub: { kind: 'rtp', port: 40_002, source: '10.1.2.7', codec: 'H264', payloadType: 102, ssrc: 2222 },
  },
};

describe('the cameras file', () => {
  it('reads a valid file, filling the defaults', () => {
    const config = readCamerasConfig(file('good.json', { formatVersion: 1, cameras: [configured] }));
    expect(config.cameras[0]).toMatchObject({ id: 'CM000002', ptz: false, siteId: null });
  });

  it('refuses a bad file with one message that names the file and where each problem is', () => {
    const bad = file('bad.json', {
      formatVersion: 1,
      cameras: [{ ...configured, streams: { main: { kind: 'hls', url: 'ftp://x/y.m3u8' }, sub: configured.streams.sub } }, { ...configured, code: '123' }],
    });
    expect(() => readCamerasConfig(bad)).toThrow(StartupError);
    expect(() => readCamerasConfig(bad)).toThrow(/bad\.json is not valid: cameras\[0\]\.streams\.main\.url: .*; cameras\[1\]\.code: a camera code is the 20-digit/);
    expect(() => readCamerasConfig(file('twice.json', { formatVersion: 1, cameras: [configured, configured] }))).toThrow(/each camera id is listed once/);
    const otherFeedSamePort = { ...configured, id: 'CM900009', streams: { main: configured.streams.main, sub: { ...configured.streams.sub, ssrc: 3333 } } };
    expect(() => readCamerasConfig(file('port.json', { formatVersion: 1, cameras: [configured, otherFeedSamePort] }))).toThrow(/share a port \(or its next, for RTCP\) must be the same feed/);
    // A feed takes its port and the next: another feed on that next port would receive its RTCP.
    const feedOnRtcpPort = { ...configured, id: 'CM900010', streams: { main: configured.streams.main, sub: { ...configured.streams.sub, port: 40_003, ssrc: 4444 } } };
    expect(() => readCamerasConfig(file('rtcp-port.json', { formatVersion: 1, cameras: [configured, feedOnRtcpPort] }))).toThrow(/must be the same feed/);
    // An RTP feed names who may send it: one open to every sender is refused, not guessed.
    const { source: _dropped, ...openToAll } = configured.streams.sub;
    expect(() => readCamerasConfig(file('no-source.json', { formatVersion: 1, cameras: [{ ...configured, streams: { main: configured.streams.main, sub: openToAll } }] }))).toThrow(
      /cameras\[0\]\.streams\.sub\.source: source is the encoder's address/,
    );
    const subnet = { ...configured, streams: { main: configured.streams.main, sub: { ...configured.streams.sub, source: '10.1.2.0/24', sourcePort: 5004 } } };
    expect(readCamerasConfig(file('subnet.json', { formatVersion: 1, cameras: [subnet] })).cameras[0]?.streams.sub).toMatchObject({ source: '10.1.2.0/24', sourcePort: 5004 });
    expect(() => readCamerasConfig(file('bad-source.json', { formatVersion: 1, cameras: [{ ...subnet, streams: { main: configured.streams.main, sub: { ...configured.streams.sub, source: 'camera.local' } } }] }))).toThrow(/source is the encoder's address/);
    const onvifWithUser = { kind: 'onvif', url: 'http://admin:secret@10.1.2.9/onvif/ptz_service', username: 'admin', password: 'secret', profileToken: 'P' };
    expect(() => readCamerasConfig(file('ptz-user.json', { formatVersion: 1, cameras: [{ ...configured, ptz: onvifWithUser }] }))).toThrow(/ptz\.url: the PTZ service URL carries no user/);
    expect(() => readCamerasConfig(file('ptz-true.json', { formatVersion: 1, cameras: [{ ...configured, ptz: true }] }))).toThrow(/cameras\[0\]\.ptz: ptz is false, or how to drive the head/);
    expect(() => readCamerasConfig(file('broken.json', '{"formatVersion": 1,'))).toThrow(/broken\.json is not JSON/);
    expect(() => readCamerasConfig(join(work, 'missing.json'))).toThrow(/missing\.json cannot be read.*leave --cameras \(ZHILI_CAMERAS\) out/);
  });
});

describe('the camera catalogue', () => {
  const config = readCamerasConfig(file('catalogue.json', { formatVersion: 1, cameras: [configured, { ...configured, id: 'CM900001', streams: { main: configured.streams.main, sub: configured.streams.main } }] }));
  const catalogue = new CameraCatalogue([cityCamera(1), cityCamera(2)], config);

  it('serves the demo cameras from the demo clips, and a configured camera in place of the demo one with its id', () => {
    const [first, second, added] = catalogue.list();
    expect(first?.streams.sub).toEqual({ kind: 'hls', path: '/media/demo/cm000001-sub.m3u8' });
    expect(second).toMatchObject({ id: 'CM000002', name: '解放碑步行街 (实景)', ptz: false, siteId: null });
    expect(second?.streams).toEqual({ main: { kind: 'hls', path: '/media/relay/cm000002-main/index.m3u8' }, sub: { kind: 'webrtc', streamId: 'cm000002-sub' } });
    expect(added?.id).toBe('CM900001');
    expect(catalogue.rtpFeeds()).toEqual([{ streamId: 'cm000002-sub', source: configured.streams.sub }]);
    const oneFeed = new CameraCatalogue([], readCamerasConfig(file('one-feed.json', { formatVersion: 1, cameras: [{ ...configured, streams: { main: configured.streams.sub, sub: configured.streams.sub } }] })));
    expect(oneFeed.list()[0]?.streams).toEqual({ main: { kind: 'webrtc', streamId: 'cm000002-main' }, sub: { kind: 'webrtc', streamId: 'cm000002-main' } });
    expect(oneFeed.rtpFeeds()).toHaveLength(1);
  });

  it('says a camera has PTZ only once its head is driven, and plays a demo camera given a live source over WebRTC', () => {
    const onvif = { kind: 'onvif', url: 'http://10.1.2.9/onvif/ptz_service', username: 'admin', password: 'secret', profileToken: 'Profile_1' };
    const withHead = readCamerasConfig(file('onvif.json', { formatVersion: 1, cameras: [{ ...configured, ptz: onvif }] }));
    expect(withHead.cameras[0]?.ptz).toEqual(onvif);
    const local = new CameraCatalogue([cityCamera(1), cityCamera(2)], withHead);
    // City camera 2 is fitted with a head, and the configured one has ONVIF: neither is driven until marked.
    expect(local.list().map((camera) => camera.ptz)).toEqual([false, false]);
    local.markPtz('CM000002');
    local.playOverWebRtc('CM000001', 'cm000001-ptz');
    local.markPtz('CM000001');
    expect(local.list()[0]).toMatchObject({ ptz: true, streams: { main: { kind: 'webrtc', streamId: 'cm000001-ptz' }, sub: { kind: 'webrtc', streamId: 'cm000001-ptz' } } });
    expect(local.list()[1]?.ptz).toBe(true);
    // The password stays in the backend.
    expect(JSON.stringify(local.list())).not.toContain('secret');
  });

  it('relays files of a configured HLS stream from beside its playlist, and nothing else', () => {
    expect(catalogue.upstreamOf('cm000002-main', 'index.m3u8')?.href).toBe('http://10.1.2.3:8888/jfb/main/index.m3u8');
    expect(catalogue.upstreamOf('cm000002-main', 'seg-00012.ts')?.href).toBe('http://10.1.2.3:8888/jfb/main/seg-00012.ts');
    expect(catalogue.upstreamOf('cm000002-main', '../other/index.m3u8')).toBeNull();
    expect(catalogue.upstreamOf('cm000002-sub', 'index.m3u8')).toBeNull();
    expect(catalogue.upstreamOf('cm000001-sub', 'index.m3u8')).toBeNull();
  });
});
