import { once } from 'node:events';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { BlockList, isIPv6 } from 'node:net';
import type { Logger } from '../../node/logger.js';

/** Who may send a feed: an address or a subnet, and optionally the one port its RTP comes from (RTCP from the next). */
export interface RtpSender {
  /** An IPv4 or IPv6 address, or a subnet in CIDR notation ("10.1.2.0/24"). */
  address: string;
  port?: number | undefined;
}

/** Where the gate hands the packets it lets through: the SFU's PlainTransport for the feed, on loopback. */
export interface GateTarget {
  rtpPort: number;
  rtcpPort: number;
}

/** Packets from a sender that is not the feed's are logged at most this often (with how many since the last line). */
const DROP_LOG_INTERVAL_MS = 60_000;
/** A sequence number this far from the last one is another stream (a restarted encoder), not loss or reordering. */
const SEQUENCE_JUMP = 3000;
/** RTP video clock (H.264 and VP8): ticks per millisecond. */
const RTP_TICKS_PER_MS = 90;

/**
 * Keeps a feed one continuous RTP stream across encoder restarts. A restarted encoder starts from random sequence
 * numbers and timestamps under the same SSRC; passed on as they are, a timestamp that lands "before" the last one
 * makes the browser's jitter buffer drop every frame as too old (a tile froze on one of three restarts tried here).
 * So a jump in sequence numbers starts new offsets: sequence numbers go on from the last, timestamps from the last
 * plus the time that passed; the sender reports' RTP timestamps get the same offset.
 */
export class RtpContinuity {
  private sequenceOffset = 0;
  private timestampOffset = 0;
  private last: { sequence: number; timestamp: number; at: number } | null = null;

  /** Rewrites an RTP packet's sequence number and timestamp in place (anything not RTP is left alone). */
  rtp(packet: Buffer, now = performance.now()): void {
    if (packet.length < 12 || packet.readUInt8(0) >> 6 !== 2) return;
    const sequenceIn = packet.readUInt16BE(2);
    const timestampIn = packet.readUInt32BE(4);
    let ahead = this.last === null ? 1 : (sequenceIn + this.sequenceOffset - this.last.sequence) & 0xffff;
    if (this.last !== null && ahead >= SEQUENCE_JUMP && ahead <= 0x10000 - SEQUENCE_JUMP) {
      this.sequenceOffset = (this.last.sequence + 1 - sequenceIn) & 0xffff;
      this.timestampOffset = (this.last.timestamp + Math.max(1, Math.round((now - this.last.at) * RTP_TICKS_PER_MS)) - timestampIn) >>> 0;
      ahead = 1;
    }
    const sequence = (sequenceIn + this.sequenceOffset) & 0xffff;
    const timestamp = (timestampIn + this.timestampOffset) >>> 0;
    packet.writeUInt16BE(sequence, 2);
    packet.writeUInt32BE(timestamp, 4);
    // Newer packets move the mark; late and repeated ones keep it.
    if (ahead > 0 && ahead < SEQUENCE_JUMP) this.last = { sequence, timestamp, at: now };
  }

  /** Moves the RTP timestamp of every sender report in a (compound) RTCP packet by the same offset. */
  rtcp(packet: Buffer): void {
    for (let offset = 0; offset + 4 <= packet.length; ) {
      const length = (packet.readUInt16BE(offset + 2) + 1) * 4;
      if (packet[offset + 1] === 200 && offset + 20 <= packet.length) {
        packet.writeUInt32BE((packet.readUInt32BE(offset + 16) + this.timestampOffset) >>> 0, offset + 16);
      }
      offset += length;
    }
  }
}

/**
 * The door of one RTP feed: it takes the feed's UDP ports (RTP, and RTCP on its own port), lets through only packets
 * from the configured sender, and forwards them on loopback to the SFU's PlainTransport, which is connected to the
 * gate's own fixed inner ports. mediasoup alone cannot do this: a comedia PlainTransport takes the first packet's
 * source as its peer for good (so anyone who sends first feeds the video, and an encoder restarted from a new port stays
 * dark), and a connected one needs the encoder's exact port. Here any port of the allowed address is taken, the newest
 * sender is the one RTCP (receiver reports, keyframe requests) goes back to, and the transport behind can be replaced
 * (a restarted mediasoup worker) without the encoder noticing.
 */
export class RtpSourceGate {
  private target: GateTarget | null = null;
  /** The address the feed's RTCP last came from (RTCP from the SFU goes back there). */
  private senderRtcp: RemoteInfo | null = null;
  private droppedCount = 0;
  private droppedSinceLog = 0;
  private lastDropLog = -Infinity;
  private readonly allowed = new BlockList();
  private readonly continuity = new RtpContinuity();

  private constructor(
    private readonly streamId: string,
    private readonly sender: RtpSender,
    private readonly outerRtp: Socket,
    private readonly outerRtcp: Socket,
    private readonly innerRtp: Socket,
    private readonly innerRtcp: Socket,
    private readonly logger: Logger,
  ) {
    const [address = '', prefix] = sender.address.split('/');
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) this.allowed.addAddress(address, family);
    else this.allowed.addSubnet(address, Number(prefix), family);
    outerRtp.on('message', (packet, from) => {
      if (!this.admits(from, sender.port)) return;
      this.continuity.rtp(packet);
      this.forward(this.innerRtp, packet, this.target?.rtpPort);
    });
    outerRtcp.on('message', (packet, from) => {
      if (!this.admits(from, sender.port === undefined ? undefined : sender.port + 1)) return;
      this.senderRtcp = from;
      this.continuity.rtcp(packet);
      this.forward(this.innerRtcp, packet, this.target?.rtcpPort);
    });
    // What the transport sends back (RTCP: receiver reports, PLI/FIR) goes to the sender; anything else is not its.
    innerRtcp.on('message', (packet, from) => {
      const back = this.senderRtcp;
      if (back === null || this.target === null || from.port !== this.target.rtcpPort) return;
      this.outerRtcp.send(packet, back.port, back.address);
    });
    for (const socket of [outerRtp, outerRtcp, innerRtp, innerRtcp]) {
      socket.on('error', (error) => this.logger.warn('an RTP feed socket failed', { streamId, error: error.message }));
    }
  }

  /**
   * Opens the feed's ports: RTP on `port` of `listenIp` and RTCP on the next (0: any free ports, each its own, for a
   * local sender that is told them). Fails with the reason when a port is taken.
   */
  static async open(streamId: string, listenIp: string, port: number, sender: RtpSender, logger: Logger): Promise<RtpSourceGate> {
    const type = isIPv6(listenIp) ? 'udp6' : 'udp4';
    const sockets: Socket[] = [];
    const bind = async (socketType: 'udp4' | 'udp6', ip: string, bindPort: number) => {
      const socket = createSocket(socketType);
      sockets.push(socket);
      socket.bind(bindPort, ip);
      const [outcome] = (await Promise.race([once(socket, 'listening').then(() => ['ok']), once(socket, 'error')])) as [unknown];
      if (outcome instanceof Error) throw new Error(`UDP port ${bindPort} on ${ip} for RTP feed ${streamId} cannot be taken: ${outcome.message}`, { cause: outcome });
      return socket;
    };
    try {
      const outerRtp = await bind(type, listenIp, port);
      const outerRtcp = await bind(type, listenIp, port === 0 ? 0 : port + 1);
      const innerRtp = await bind('udp4', '127.0.0.1', 0);
      const innerRtcp = await bind('udp4', '127.0.0.1', 0);
      return new RtpSourceGate(streamId, sender, outerRtp, outerRtcp, innerRtp, innerRtcp, logger);
    } catch (error) {
      for (const socket of sockets) socket.close();
      throw error;
    }
  }

  /** Where senders send: the feed's RTP and RTCP ports. */
  get ports(): GateTarget {
    return { rtpPort: this.outerRtp.address().port, rtcpPort: this.outerRtcp.address().port };
  }

  /** The loopback ports packets are forwarded from: the SFU's transport is connected to these. */
  get innerPorts(): GateTarget {
    return { rtpPort: this.innerRtp.address().port, rtcpPort: this.innerRtcp.address().port };
  }

  /** Packets refused since the gate opened (from a sender that is not the feed's). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Forwards to a (new) transport from now on; null: none (the SFU is restarting), packets are let go. */
  forwardTo(target: GateTarget | null): void {
    this.target = target;
  }

  close(): void {
    for (const socket of [this.outerRtp, this.outerRtcp, this.innerRtp, this.innerRtcp]) socket.close();
  }

  private admits(from: RemoteInfo, port: number | undefined): boolean {
    const family = from.family === 'IPv6' ? 'ipv6' : 'ipv4';
    if (this.allowed.check(from.address, family) && (port === undefined || from.port === port)) return true;
    this.droppedCount++;
    this.droppedSinceLog++;
    const now = performance.now();
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.logger.warn('RTP from a sender that is not the feed\'s is dropped', {
        streamId: this.streamId,
        from: `${from.address}:${from.port}`,
        allowed: `${this.sender.address}${this.sender.port === undefined ? '' : ` port ${this.sender.port}`}`,
        droppedSinceLastLine: this.droppedSinceLog,
      });
      this.lastDropLog = now;
      this.droppedSinceLog = 0;
    }
    return false;
  }

  private forward(through: Socket, packet: Buffer, port: number | undefined): void {
    if (port !== undefined) through.send(packet, port, '127.0.0.1');
  }
}
