import type { Camera } from '../../../shared/city/index.js';
import type { CamerasConfig } from '../../../shared/media/cameras.js';
import type { PtzRequest, PtzResult } from '../../../shared/media/ptz.js';
import type { Logger } from '../../../node/logger.js';
import type { CameraCatalogue } from '../camera-catalogue.js';
import type { Sfu } from '../sfu.js';
import { OnvifPtzHead } from './onvif-ptz.js';
import { freeUdpPortPairs } from '../free-ports.js';
import { ffmpegInstalled } from '../live-encoding.js';
import { VirtualPtzCamera } from './virtual-ptz-camera.js';

/** The RTP the virtual cameras send (one SSRC each, counting up from here). */
const VIRTUAL_PAYLOAD_TYPE = 102;
const VIRTUAL_SSRC_BASE = 0x5a4c0000;

interface PtzHead {
  command(request: PtzRequest['command']): Promise<PtzResult['position']>;
  dispose(): void;
}

/**
 * Every PTZ head the backend drives, by camera: the cameras file's ONVIF heads, and the demo's virtual PTZ cameras
 * (the first `demoCount` city cameras fitted with a head that the cameras file does not replace), which the catalogue
 * then plays over WebRTC from the SFU. Without ffmpeg or the SFU the demo cameras stay fixed clips, and the log says
 * why.
 */
export class PtzHeads {
  private constructor(private readonly heads: ReadonlyMap<string, PtzHead>) {}

  static async start(
    cityCameras: readonly Camera[],
    config: CamerasConfig | null,
    catalogue: CameraCatalogue,
    sfu: Sfu | { unavailable: string },
    demoCount: number,
    logger: Logger,
  ): Promise<PtzHeads> {
    const heads = new Map<string, PtzHead>();
    for (const camera of config?.cameras ?? []) if (camera.ptz !== false) heads.set(camera.id, new OnvifPtzHead(camera.id, camera.ptz));
    const configured = new Set((config?.cameras ?? []).map((camera) => camera.id));
    const candidates = cityCameras.filter((camera) => camera.ptz && !configured.has(camera.id)).slice(0, demoCount);
    const missing = !ffmpegInstalled() ? 'ffmpeg is not installed' : 'unavailable' in sfu ? sfu.unavailable : null;
    if (candidates.length > 0 && missing !== null) {
      // A demo nicety missing where ffmpeg or mediasoup is not installed: noted in the log, not warned about at every start.
      logger.info('the demo PTZ cameras play fixed clips', { why: missing });
    } else if (!('unavailable' in sfu)) {
      const senderPorts = await freeUdpPortPairs(candidates.length);
      for (const [index, camera] of candidates.entries()) {
        const localRtpPort = senderPorts[index] as number;
        const streamId = `${camera.id.toLowerCase()}-ptz`;
        const ssrc = VIRTUAL_SSRC_BASE + index;
        const virtual = await sfu.receiveOnDemand(
          streamId,
          { codec: 'H264', payloadType: VIRTUAL_PAYLOAD_TYPE, ssrc },
          localRtpPort,
          (ports) => new VirtualPtzCamera(camera.id, camera.code, { ...ports, localRtpPort, payloadType: VIRTUAL_PAYLOAD_TYPE, ssrc }, logger.child('ptz')),
        );
        heads.set(camera.id, virtual);
        catalogue.playOverWebRtc(camera.id, streamId);
        logger.info('demo PTZ camera', { cameraId: camera.id, streamId });
      }
    }
    for (const cameraId of heads.keys()) catalogue.markPtz(cameraId);
    return new PtzHeads(heads);
  }

  async command(request: PtzRequest): Promise<PtzResult> {
    const head = this.heads.get(request.cameraId);
    if (!head) throw new Error(`Camera ${request.cameraId} has no PTZ head this backend can drive.`);
    return { position: await head.command(request.command) };
  }

  dispose(): void {
    for (const head of this.heads.values()) head.dispose();
  }
}
