import { Device, type types } from 'mediasoup-client';
import type { HostBridge } from '../../../shared/contract/api.js';
import type { SfuSession } from '../../../shared/media/webrtc.js';
import { callHost } from '../../bridge/host.js';

/**
 * A window's way to the backend's SFU: one mediasoup-client device, loaded once with the router's capabilities, and the
 * signalling calls, all through the host (which checks every payload and passes it to the backend). It holds no
 * connection of its own; each tile's player owns its transport.
 */
export class SfuClient {
  private loaded: Promise<Device> | null = null;

  constructor(private readonly bridge: HostBridge) {}

  device(): Promise<Device> {
    if (this.loaded === null) {
      const loading = (async () => {
        const device = new Device();
        // The host checked the capabilities' shape; mediasoup-client validates them in full as it loads them.
        await device.load({ routerRtpCapabilities: (await callHost(this.bridge, 'webrtc.capabilities', {})) as types.RtpCapabilities });
        return device;
      })();
      this.loaded = loading;
      // A failed load (no SFU yet, backend away) is tried again by the next tile that asks.
      loading.catch(() => {
        if (this.loaded === loading) this.loaded = null;
      });
    }
    return this.loaded;
  }

  open(streamId: string, rtpCapabilities: types.RtpCapabilities): Promise<SfuSession> {
    return callHost(this.bridge, 'webrtc.open', { streamId, rtpCapabilities });
  }

  async connect(sessionId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await callHost(this.bridge, 'webrtc.connect', { sessionId, dtlsParameters });
  }

  async close(sessionId: string): Promise<void> {
    await callHost(this.bridge, 'webrtc.close', { sessionId });
  }
}
