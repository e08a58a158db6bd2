import { readFileSync } from 'node:fs';
import { DEMO_MEDIA_PATH } from '../../shared/backend/protocol.js';
import type { Camera } from '../../shared/city/index.js';
import {
  CamerasConfigSchema,
  RELAY_MEDIA_PATH,
  streamName,
  type CamerasConfig,
  type CatalogueCamera,
  type ConfiguredCamera,
  type StreamEndpoint,
  type StreamQuality,
  type StreamSource,
} from '../../shared/media/cameras.js';
import { StartupError, errorMessage } from '../../node/startup-error.js';

/** An RTP stream the SFU takes in: its stream id (what consoles consume) and where and how it arrives. */
export type RtpFeed = { streamId: string; source: Extract<StreamSource, { kind: 'rtp' }> };

/** Problems listed in the start-up message of a bad cameras file; the rest are counted. */
const LISTED_PROBLEMS = 3;

/**
 * Reads the cameras file given with `--cameras`. Anything wrong stops the backend with one message naming the file
 * and where in it each problem is (`cameras[2].streams.sub.url: …`), so the operator fixes it before consoles connect.
 */
export function readCamerasConfig(file: string): CamerasConfig {
  const advice = 'fix it, or leave --cameras (ZHILI_CAMERAS) out to serve the demo cameras only';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupError(`The cameras file ${file} cannot be read (${errorMessage(error)}): ${advice}.`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`The cameras file ${file} is not JSON (${errorMessage(error)}): ${advice}.`, { cause: error });
  }
  const parsed = CamerasConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const listed = issues.slice(0, LISTED_PROBLEMS).map((issue) => `${issuePath(issue.path) || 'the file'}: ${issue.message}`);
  const more = issues.length > LISTED_PROBLEMS ? ` (and ${issues.length - LISTED_PROBLEMS} more)` : '';
  throw new StartupError(`The cameras file ${file} is not valid: ${listed.join('; ')}${more}; ${advice}.`);
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`)).join('');
}

/**
 * The backend's camera catalogue: the city's demo cameras (their streams played from the committed clips), then the
 * cameras file's, which replace a demo camera of the same id or add new ones. It also says where each configured
 * stream really comes from: the HLS relay's upstream playlists and the SFU's RTP feeds.
 */
export class CameraCatalogue {
  private readonly cameras: CatalogueCamera[];
  /** Relayed stream name -> the upstream playlist's URL. */
  private readonly upstreams = new Map<string, URL>();
  private readonly feeds: RtpFeed[] = [];

  constructor(cityCameras: readonly Camera[], config: CamerasConfig | null) {
    const byId = new Map<string, CatalogueCamera>(cityCameras.map((camera) => [camera.id, demoCamera(camera)]));
    for (const camera of config?.cameras ?? []) byId.set(camera.id, this.configured(camera));
    this.cameras = [...byId.values()];
  }

  list(): readonly CatalogueCamera[] {
    return this.cameras;
  }

  /** A camera now plays one SFU stream for both qualities (a demo camera given a live virtual source). */
  playOverWebRtc(cameraId: string, streamId: string): void {
    this.update(cameraId, (camera) => ({ ...camera, streams: { main: { kind: 'webrtc', streamId }, sub: { kind: 'webrtc', streamId } } }));
  }

  /** The backend drives this camera's PTZ head (consoles show PTZ controls only for such cameras). */
  markPtz(cameraId: string): void {
    this.update(cameraId, (camera) => ({ ...camera, ptz: true }));
  }

  private update(cameraId: string, change: (camera: CatalogueCamera) => CatalogueCamera): void {
    const index = this.cameras.findIndex((camera) => camera.id === cameraId);
    const camera = this.cameras[index];
    if (camera) this.cameras[index] = change(camera);
  }

  rtpFeeds(): readonly RtpFeed[] {
    return this.feeds;
  }

  /**
   * The upstream URL of `file` of a relayed stream: the playlist, or a segment or variant it names (resolved against
   * the playlist's URL, as a player would). Null for a stream that is not relayed or a name that climbs out of it.
   */
  upstreamOf(stream: string, file: string): URL | null {
    const playlist = this.upstreams.get(stream);
    if (!playlist || !/^[\w.-]+(\/[\w.-]+)*$/.test(file) || file.split('/').includes('..')) return null;
    return new URL(file, playlist);
  }

  private configured(camera: ConfiguredCamera): CatalogueCamera {
    const endpoint = (quality: StreamQuality): StreamEndpoint => {
      const source = camera.streams[quality];
      const name = streamName(camera.id, quality);
      if (source.kind === 'rtp') {
        // One feed per port (the cameras file guarantees it): a stream naming a feed already taken in plays that one.
        const feed = this.feeds.find((known) => known.source.port === source.port);
        if (feed) return { kind: 'webrtc', streamId: feed.streamId };
        this.feeds.push({ streamId: name, source });
        return { kind: 'webrtc', streamId: name };
      }
      const upstream = new URL(source.url);
      this.upstreams.set(name, upstream);
      // The relay keeps the playlist's own file name, so the relative URIs inside it resolve under the relay too.
      return { kind: 'hls', path: `${RELAY_MEDIA_PATH}${name}/${upstream.pathname.split('/').pop() || 'index.m3u8'}` };
    };
    return {
      id: camera.id,
      code: camera.code,
      name: camera.name,
      position: camera.position,
      // Until PtzHeads says it drives the head.
      ptz: false,
      siteId: camera.siteId,
      streams: { main: endpoint('main'), sub: endpoint('sub') },
    };
  }
}

function demoCamera(camera: Camera): CatalogueCamera {
  const endpoint = (stream: string): StreamEndpoint => ({ kind: 'hls', path: `${DEMO_MEDIA_PATH}${stream}.m3u8` });
  return {
    id: camera.id,
    code: camera.code,
    name: camera.name,
    position: camera.position,
    // A head fitted is not one the backend drives: PtzHeads marks the ones it does.
    ptz: false,
    siteId: camera.siteId,
    streams: { main: endpoint(camera.streams.main), sub: endpoint(camera.streams.sub) },
  };
}
