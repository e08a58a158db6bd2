import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { distanceMetres, type LngLat } from '../../../shared/domain/geo.js';
import type { CameraStreams, CameraSummary, NearbyCamera } from '../../../shared/domain/shared-state.js';
import type { CatalogueCamera, PlayableStream, StreamEndpoint } from '../../../shared/media/cameras.js';

/**
 * The console's view of the backend's camera catalogue: fetched once per backend connection (a backend restarted with
 * another cameras file is read again after it reconnects), searched by distance, and turned into what a window plays.
 */
export class CameraDirectory {
  private catalogue: Promise<readonly CatalogueCamera[]> | null = null;

  constructor(
    private readonly fetchCatalogue: () => Promise<readonly CatalogueCamera[]>,
    /**
     * HLS paths on the backend as URLs a window may fetch: signed by the backend for a short while, asked for each time
     * a window asks for a camera's streams (a player that starts over asks again), so they are never kept here.
     */
    private readonly signedMediaUrls: (paths: string[]) => Promise<string[]>,
  ) {}

  /** The backend (re)connected: the next question reads its catalogue again. */
  invalidate(): void {
    this.catalogue = null;
  }

  cameras(): Promise<readonly CatalogueCamera[]> {
    if (this.catalogue === null) {
      const fetched = this.fetchCatalogue();
      this.catalogue = fetched;
      // A failed read is not kept: the next question asks the backend again.
      fetched.catch(() => {
        if (this.catalogue === fetched) this.catalogue = null;
      });
    }
    return this.catalogue;
  }

  /** The `count` cameras nearest to `position` within `radiusM`, nearest first. */
  async near(position: LngLat, count: number, radiusM: number): Promise<NearbyCamera[]> {
    return (await this.cameras())
      .map((camera) => ({
        id: camera.id,
        code: camera.code,
        name: camera.name,
        position: camera.position,
        ptz: camera.ptz,
        distanceM: Math.round(distanceMetres(position, camera.position)),
      }))
      .filter((camera) => camera.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM || a.id.localeCompare(b.id))
      .slice(0, count);
  }

  /** Cameras whose name, code or id contains `text` (all of them for no text), in catalogue order. */
  async search(text: string, limit: number): Promise<CameraSummary[]> {
    const needle = text.trim().toLowerCase();
    return (await this.cameras())
      .filter((camera) => needle === '' || [camera.name, camera.code, camera.id].some((field) => field.toLowerCase().includes(needle)))
      .slice(0, limit)
      .map(({ id, code, name, position, ptz }) => ({ id, code, name, position, ptz }));
  }

  async streams(cameraId: string): Promise<CameraStreams> {
    const camera = (await this.cameras()).find((candidate) => candidate.id === cameraId);
    if (!camera) throw new ApiFailure(apiError('not-found', `There is no camera ${cameraId}.`));
    const endpoints = [camera.streams.main, camera.streams.sub];
    const hlsPaths = endpoints.flatMap((endpoint) => (endpoint.kind === 'hls' ? [endpoint.path] : []));
    const signed = new Map<string, string>();
    if (hlsPaths.length > 0) {
      const urls = await this.signedMediaUrls(hlsPaths);
      hlsPaths.forEach((path, index) => signed.set(path, urls[index] as string));
    }
    const playable = (endpoint: StreamEndpoint): PlayableStream =>
      endpoint.kind === 'hls' ? { kind: 'hls', url: signed.get(endpoint.path) as string } : endpoint;
    return {
      cameraId: camera.id,
      code: camera.code,
      name: camera.name,
      ptz: camera.ptz,
      streams: { main: playable(camera.streams.main), sub: playable(camera.streams.sub) },
    };
  }
}
