import { z } from 'zod';
import { LngLatSchema } from '../domain/geo.js';

/**
 * The camera catalogue as the backend serves it, and the cameras file (`--cameras`) a deployment gives the backend to
 * add its own cameras to the demo ones (or to point a demo camera's id at a real stream).
 */

/** A camera's two streams: the sub-stream fills a grid tile, the main stream a focused or full-screen tile. */
export const streamQualities = ['sub', 'main'] as const;
export const StreamQualitySchema = z.enum(streamQualities);
export type StreamQuality = z.infer<typeof StreamQualitySchema>;

export const CameraIdSchema = z.string().regex(/^CM\d{6}$/, 'a camera id is "CM" and six digits');

/** Codecs the SFU's router offers (Debian's Chromium decodes both in WebRTC). */
export const rtpVideoCodecs = ['H264', 'VP8'] as const;

/** Where the backend takes a configured stream from. */
export const StreamSourceSchema = z.discriminatedUnion('kind', [
  /** A live HLS playlist on a media server; the backend relays it, so a console fetches only from the backend. */
  z.object({ kind: z.literal('hls'), url: z.url({ protocol: /^https?$/ }) }).strict(),
  /**
   * RTP pushed to the backend's SFU (an encoder or a camera gateway sends RTP to this UDP port, RTCP to the next one);
   * consoles play it over WebRTC. Only `source` may send it: packets from anywhere else are dropped, so nobody else on
   * the network can feed the wall; any source port of it is taken (an encoder restarted from a new port plays again)
   * unless `sourcePort` pins it. Required, with no default: a port open to every sender is the hole it closes, and
   * guessing loopback would leave a remote encoder dark with nothing in the file saying why.
   */
  z
    .object({
      kind: z.literal('rtp'),
      port: z.number().int().min(1024).max(65534),
      source: z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
        error: 'source is the encoder\'s address ("10.1.2.7"), or its subnet ("10.1.2.0/24"); 127.0.0.1 for one on this machine',
      }),
      /** The one port the encoder sends RTP from (RTCP from the next); none: any. */
      sourcePort: z.number().int().min(1).max(65534).optional(),
      codec: z.enum(rtpVideoCodecs),
      payloadType: z.number().int().min(96).max(127),
      ssrc: z.number().int().min(1).max(0xffffffff),
    })
    .strict(),
]);
export type StreamSource = z.infer<typeof StreamSourceSchema>;

/**
 * How the backend drives a camera's PTZ head: ONVIF's PTZ service (what Hikvision, Dahua, Uniview and Axis cameras
 * and NVRs offer), addressed by its service URL and a media profile, with a WS-Security user. The password stays in
 * the backend; consoles only learn that the camera has PTZ.
 */
export const OnvifPtzSchema = z
  .object({
    kind: z.literal('onvif'),
    /**
     * The PTZ service's address (its XAddr from GetCapabilities/GetServices), e.g. http://10.0.0.5/onvif/ptz_service;
     * the user goes in its own fields (an address may show up in an error a window sees).
     */
    url: z.url({ protocol: /^https?$/ }).refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'the PTZ service URL carries no user or password: give them as username and password'),
    username: z.string().min(1).max(64),
    password: z.string().max(128),
    /** The media profile whose PTZ configuration moves (GetProfiles' token). */
    profileToken: z.string().min(1).max(64),
  })
  .strict();
export type OnvifPtz = z.infer<typeof OnvifPtzSchema>;

export const ConfiguredCameraSchema = z
  .object({
    id: CameraIdSchema,
    /** GB/T 28181 20-digit device code. */
    code: z.string().regex(/^\d{20}$/, 'a camera code is the 20-digit GB/T 28181 device code'),
    name: z.string().trim().min(1).max(100),
    position: LngLatSchema,
    /** Its PTZ head, if it has one the backend can drive (false: a fixed camera). */
    ptz: z
      .union([z.literal(false), OnvifPtzSchema], { error: 'ptz is false, or how to drive the head: {"kind": "onvif", "url", "username", "password", "profileToken"}' })
      .default(false),
    /** The risk site it watches, for camera groups (none: a street camera). */
    siteId: z.string().regex(/^RS\d{6}$/).nullable().default(null),
    streams: z.object({ main: StreamSourceSchema, sub: StreamSourceSchema }).strict(),
  })
  .strict();
export type ConfiguredCamera = z.infer<typeof ConfiguredCameraSchema>;

export const CamerasConfigSchema = z
  .object({
    formatVersion: z.literal(1),
    /** Where the SFU takes WebRTC connections: the address it listens on and the one it tells browsers to use. */
    webrtc: z
      .object({
        listenIp: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
        announcedAddress: z.string().min(1).max(253).optional(),
      })
      .strict()
      .optional(),
    cameras: z
      .array(ConfiguredCameraSchema)
      .max(10_000)
      .refine((cameras) => new Set(cameras.map((camera) => camera.id)).size === cameras.length, 'each camera id is listed once')
      .refine(oneFeedPerPort, 'RTP sources that share a port (or its next, for RTCP) must be the same feed (port, codec, payload type, SSRC and source)'),
  })
  .strict();

/**
 * Two streams may name one RTP feed (a camera with a single stream for both qualities), never two feeds on one port
 * (a feed takes its port and the next, for RTCP).
 */
function oneFeedPerPort(cameras: readonly { streams: { main: StreamSource; sub: StreamSource } }[]): boolean {
  const byPort = new Map<number, string>();
  for (const camera of cameras) {
    for (const source of [camera.streams.main, camera.streams.sub]) {
      if (source.kind !== 'rtp') continue;
      const feed = `${source.port}/${source.codec}/${source.payloadType}/${source.ssrc}/${source.source}/${source.sourcePort ?? ''}`;
      for (const port of [source.port, source.port + 1]) {
        if ((byPort.get(port) ?? feed) !== feed) return false;
        byPort.set(port, feed);
      }
    }
  }
  return true;
}
export type CamerasConfig = z.infer<typeof CamerasConfigSchema>;

/** A file the backend serves under /media/ (a playlist the catalogue names), before it is signed. */
export const MediaPathSchema = z.string().max(300).regex(/^\/media\/[\w./-]+$/);

/** Where a console plays a stream from: an HLS path on the backend, or a stream of the backend's SFU over WebRTC. */
export const StreamEndpointSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hls'), path: MediaPathSchema }).strict(),
  z.object({ kind: z.literal('webrtc'), streamId: z.string().regex(/^[\w-]{1,64}$/) }).strict(),
]);
export type StreamEndpoint = z.infer<typeof StreamEndpointSchema>;

/** One camera of the backend's catalogue. */
export const CatalogueCameraSchema = z.object({
  id: CameraIdSchema,
  code: z.string(),
  name: z.string(),
  position: LngLatSchema,
  /** Whether the backend takes PTZ commands for it (a head it can drive), not only whether one is fitted. */
  ptz: z.boolean(),
  siteId: z.string().nullable(),
  streams: z.object({ main: StreamEndpointSchema, sub: StreamEndpointSchema }),
});
export type CatalogueCamera = z.infer<typeof CatalogueCameraSchema>;

/** A stream as a window plays it: an HLS URL it may fetch, or an SFU stream it consumes through its host. */
export const PlayableStreamSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hls'), url: z.string() }),
  z.object({ kind: z.literal('webrtc'), streamId: z.string() }),
]);
export type PlayableStream = z.infer<typeof PlayableStreamSchema>;

/** Where the backend relays a configured HLS stream: `<RELAY_MEDIA_PATH><camera id>-<quality>/<file>`. */
export const RELAY_MEDIA_PATH = '/media/relay/';

/** The stream name a configured camera's stream has at the backend (relay folder, SFU stream id). */
export function streamName(cameraId: string, quality: StreamQuality): string {
  return `${cameraId.toLowerCase()}-${quality}`;
}
