/**
 * Put into every page of the dispatch bench before the app loads: keeps each RTCPeerConnection the page makes, and
 * watches for the moment sound arrives on the newest one (inbound audio bytes above zero), polled every 10 ms.
 */
const peers: RTCPeerConnection[] = [];
const probe = { mediaAt: null as number | null, watching: false };
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    peers.push(this);
  }
} as typeof RTCPeerConnection;

async function watchMedia(): Promise<void> {
  probe.mediaAt = null;
  probe.watching = true;
  while (probe.watching) {
    for (const peer of peers) {
      if (peer.connectionState === 'closed') continue;
      const stats = await peer.getStats();
      stats.forEach((entry: { type: string; kind?: string; bytesReceived?: number }) => {
        if (probe.mediaAt === null && entry.type === 'inbound-rtp' && entry.kind === 'audio' && (entry.bytesReceived ?? 0) > 0) probe.mediaAt = Date.now();
      });
    }
    if (probe.mediaAt !== null) probe.watching = false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Object.assign(window, { benchProbe: { probe, watchMedia, stop: () => (probe.watching = false) } });
