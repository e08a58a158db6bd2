/**
 * Put into every page of the dispatch bench before the app loads: keeps each RTCPeerConnection the page makes, and
 * watches for the moment sound arrives on the newest one (inbound audio bytes above zero), polled every 10 ms; and
 * marks when an INVITE leaves or reaches the page.
 */
const peers: RTCPeerConnection[] = [];
const probe = { mediaAt: null as number | null, inviteSentAt: null as number | null, inviteReceivedAt: null as number | null, watching: false };
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    peers.push(this);
  }
} as typeof RTCPeerConnection;

// The moments the first INVITE of a call leaves this page and reaches it, read on the SIP WebSocket itself, so a call's
// time splits into the caller's own work, the network and server, and the callee's own work.
const isInvite = (data: unknown) => typeof data === 'string' && data.startsWith('INVITE ');
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    // Added before sip.js's own listener, so it reads the arrival before sip.js handles it.
    this.addEventListener('message', (event) => {
      if (probe.inviteReceivedAt === null && isInvite(event.data)) probe.inviteReceivedAt = Date.now();
    });
  }

  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (probe.inviteSentAt === null && isInvite(data)) probe.inviteSentAt = Date.now();
    super.send(data);
  }
} as typeof WebSocket;

async function watchMedia(): Promise<void> {
  probe.mediaAt = probe.inviteSentAt = probe.inviteReceivedAt = null;
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
