import type { CoreContext, CoreFeature } from '../core-context.js';
import { CameraDirectory } from './camera-directory.js';
import { CameraGroups } from './camera-groups.js';

type CameraMethods =
  | 'cameras.near'
  | 'cameras.streams'
  | 'cameras.search'
  | 'cameras.catalogue'
  | 'cameras.group'
  | 'cameras.ptz'
  | 'webrtc.capabilities'
  | 'webrtc.open'
  | 'webrtc.connect'
  | 'webrtc.close';

export interface CamerasFeature extends CoreFeature<CameraMethods> {
  readonly directory: Pick<CameraDirectory, 'streams'>;
}

/**
 * The backend's cameras as the windows play them: the catalogue, searched and grouped, HLS through signed URLs, WebRTC
 * through the backend's SFU, and PTZ. `mediaOrigin` prefixes the signed media paths: empty on the web host, which
 * relays /media on the page's own origin (a wall browser on the LAN cannot reach a backend on this machine's loopback,
 * nor load http media into an https page), the backend's origin for an Electron window, which goes direct.
 */
export function camerasFeature(ctx: CoreContext, mediaOrigin: string): CamerasFeature {
  const { backend } = ctx;
  const directory = new CameraDirectory(
    () => backend.call('cameras:catalogue', null),
    async (paths) => (await backend.call('media:sign', paths)).map((path) => `${mediaOrigin}${path}`),
  );
  const groups = new CameraGroups(ctx.city);
  // A backend that (re)connects may serve another cameras file.
  const connections = ctx.hub.on('backend.status', (status) => {
    if (status.state === 'connected') directory.invalidate();
  });
  return {
    directory,
    handlers: {
      'cameras.near': ({ position, count, radiusM }) => directory.near(position, count, radiusM),
      'cameras.streams': ({ cameraId }) => directory.streams(cameraId),
      'cameras.search': ({ text, limit }) => directory.search(text, limit),
      'cameras.catalogue': async () => (await directory.cameras()).map(({ id, code, name, position, ptz }) => ({ id, code, name, position, ptz })),
      'cameras.group': async ({ group, count }) => groups.camerasOf(await directory.cameras(), group, count),
      'cameras.ptz': (request) => backend.call('ptz:command', request),
      'webrtc.capabilities': () => backend.call('sfu:capabilities', null),
      'webrtc.open': (request) => backend.call('sfu:open', request),
      'webrtc.connect': (request) => backend.call('sfu:connect', request),
      'webrtc.close': (request) => backend.call('sfu:close', request),
    },
    dispose: () => connections.dispose(),
  };
}
