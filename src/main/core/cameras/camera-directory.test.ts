import { describe, expect, it } from 'vitest';
import type { CatalogueCamera } from '../../../shared/media/cameras.js';
import { CameraDirectory } from './camera-directory.js';

const camera = (id: string, lng: number, streams: CatalogueCamera['streams']): CatalogueCamera => ({
  id,
  code: `5001030008130000${id.slice(-4)}`,
  name: id,
  position: [lng, 29.5],
  ptz: false,
  siteId: null,
  streams,
});
const demo = (id: string, lng: number) =>
  camera(id, lng, { main: { kind: 'hls', path: `/media/demo/${id}-main.m3u8` }, sub: { kind: 'hls', path: `/media/demo/${id}-sub.m3u8` } });

describe('the console’s camera directory', () => {
  it('finds the nearest cameras within the radius, nearest first', async () => {
    const directory = new CameraDirectory(async () => [demo('CM000003', 106.52), demo('CM000001', 106.5), demo('CM000002', 106.6)], async (paths) => paths);
    expect((await directory.near([106.5, 29.5], 5, 3000)).map((found) => [found.id, found.distanceM])).toEqual([
      ['CM000001', 0],
      ['CM000003', 1936],
    ]);
  });

  it('gives HLS as a URL the backend signed and WebRTC as the SFU stream id', async () => {
    const directory = new CameraDirectory(
      async () => [camera('CM900001', 106.5, { main: { kind: 'hls', path: '/media/relay/cm900001-main/index.m3u8' }, sub: { kind: 'webrtc', streamId: 'cm900001-sub' } })],
      async (paths) => paths.map((path) => `http://10.0.0.5:7420${path}?expires=1&signature=s`),
    );
    expect((await directory.streams('CM900001')).streams).toEqual({
      main: { kind: 'hls', url: 'http://10.0.0.5:7420/media/relay/cm900001-main/index.m3u8?expires=1&signature=s' },
      sub: { kind: 'webrtc', streamId: 'cm900001-sub' },
    });
    await expect(directory.streams('CM123456')).rejects.toThrow(/There is no camera CM123456/);
  });

  it('reads the catalogue once per connection, and again after a failed read', async () => {
    let reads = 0;
    let fail = true;
    const directory = new CameraDirectory(async () => {
      reads += 1;
      if (fail) throw new Error('backend not connected');
      return [demo('CM000001', 106.5)];
    }, async (paths) => paths);
    await expect(directory.cameras()).rejects.toThrow(/not connected/);
    fail = false;
    await directory.cameras();
    await directory.cameras();
    expect(reads).toBe(2);
    directory.invalidate();
    await directory.cameras();
    expect(reads).toBe(3);
  });
});

describe('the camera list', () => {
  it('finds cameras by name, code or id, in catalogue order, up to the limit', async () => {
    const directory = new CameraDirectory(async () => [demo('CM000001', 106.5), demo('CM000002', 106.6), demo('CM000010', 106.7)], async (paths) => paths);
    expect((await directory.search('cm00000', 10)).map((camera) => camera.id)).toEqual(['CM000001', 'CM000002']);
    expect((await directory.search('', 2)).map((camera) => camera.id)).toEqual(['CM000001', 'CM000002']);
    expect(await directory.search('cm000010', 10)).toEqual([{ id: 'CM000010', code: '50010300081300000010', name: 'CM000010', position: [106.7, 29.5], ptz: false }]);
  });
});
