import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../shared/city/index.js';
import type { CameraSummary } from '../../../shared/domain/shared-state.js';
import { cameraMarkers } from './camera-markers.js';

const cityCamera = (n: number, position: [number, number]): Camera => ({
  id: `CM00000${n}`,
  code: `5001030008130000000${n}`,
  name: `城市摄像机 ${n}`,
  position,
  districtAdcode: '500103',
  ptz: n === 2,
  placement: 'crossroad',
  siteId: null,
  streams: { main: `cm00000${n}-main`, sub: `cm00000${n}-sub` },
});
const summary = ({ id, code, name, position, ptz }: Camera): CameraSummary => ({ id, code, name, position, ptz });

describe('the cameras the map draws', () => {
  const city = [cityCamera(1, [106.57, 29.55]), cityCamera(2, [106.58, 29.56])];
  // Where the map's grid would place a camera: a district for a point inside the city, none outside.
  const districtAt = ([lng]: readonly [number, number]) => (lng < 107 ? '500112' : null);

  it('are the city’s own until the backend’s catalogue is known', () => {
    expect(cameraMarkers(city, null, districtAt)).toEqual([
      { id: 'CM000001', code: '50010300081300000001', name: '城市摄像机 1', position: [106.57, 29.55], ptz: false, districtAdcode: '500103' },
      { id: 'CM000002', code: '50010300081300000002', name: '城市摄像机 2', position: [106.58, 29.56], ptz: true, districtAdcode: '500103' },
    ]);
  });

  it('are the catalogue’s once known: a configured camera added, one of a city camera’s id moved and renamed', () => {
    const moved: CameraSummary = { ...summary(city[0] as Camera), name: '配置的摄像机', position: [106.61, 29.5] };
    const added: CameraSummary = { id: 'CM900001', code: '50010300081300900001', name: '测试摄像机 1', position: [108.5, 30.1], ptz: true };
    const markers = cameraMarkers(city, [moved, summary(city[1] as Camera), added], districtAt);
    expect(markers.map((camera) => camera.id)).toEqual(['CM000001', 'CM000002', 'CM900001']);
    // The moved camera stands where the cameras file says, in the district found there, under its configured name.
    expect(markers[0]).toMatchObject({ name: '配置的摄像机', position: [106.61, 29.5], districtAdcode: '500112' });
    // An unmoved city camera keeps the district its register gives it.
    expect(markers[1]).toMatchObject({ position: [106.58, 29.56], districtAdcode: '500103' });
    // A camera beyond the city's grid has no district rather than a wrong one.
    expect(markers[2]).toMatchObject({ name: '测试摄像机 1', ptz: true, districtAdcode: null });
  });

  it('leave out city cameras the catalogue does not have: the wall could not play them', () => {
    expect(cameraMarkers(city, [summary(city[1] as Camera)], districtAt).map((camera) => camera.id)).toEqual(['CM000002']);
  });
});
