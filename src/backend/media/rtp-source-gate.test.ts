import { describe, expect, it } from 'vitest';
import { RtpContinuity } from './rtp-source-gate.js';

const rtp = (sequence: number, timestamp: number) => {
  const packet = Buffer.alloc(20);
  packet[0] = 0x80;
  packet[1] = 102;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(timestamp, 4);
  return packet;
};
const fields = (packet: Buffer) => [packet.readUInt16BE(2), packet.readUInt32BE(4)];

describe('RTP continuity across a restarted encoder', () => {
  it('passes one stream through as it is, loss and reordering included', () => {
    const continuity = new RtpContinuity();
    const out = [[65_534, 1000], [65_535, 1000], [1, 4000], [0, 4000], [1, 4000]].map(([sequence, timestamp]) => {
      const packet = rtp(sequence as number, timestamp as number);
      continuity.rtp(packet, 0);
      return fields(packet);
    });
    expect(out).toEqual([[65_534, 1000], [65_535, 1000], [1, 4000], [0, 4000], [1, 4000]]);
  });

  it('continues sequence numbers and timestamps (by the time that passed) when a new stream starts', () => {
    const continuity = new RtpContinuity();
    for (const [sequence, at] of [[100, 0], [101, 66]] as const) continuity.rtp(rtp(sequence, 4_000_000_000 + at * 90), at);
    // The restarted encoder: random numbers, a timestamp "before" the old ones, 2 s later.
    const first = rtp(51_000, 12_345);
    continuity.rtp(first, 2066);
    expect(fields(first)).toEqual([102, (4_000_000_000 + 66 * 90 + 2000 * 90) >>> 0]);
    const next = rtp(51_001, 12_345 + 6000);
    continuity.rtp(next, 2132);
    expect(fields(next)).toEqual([103, (4_000_000_000 + 66 * 90 + 2000 * 90 + 6000) >>> 0]);
    // Its sender reports move with it (compound RTCP: a sender report, then an SDES).
    const report = Buffer.alloc(28 + 8);
    report[0] = 0x80;
    report[1] = 200;
    report.writeUInt16BE(6, 2);
    report.writeUInt32BE(12_345 + 6000, 16);
    report[28] = 0x81;
    report[29] = 202;
    report.writeUInt16BE(1, 30);
    continuity.rtcp(report);
    expect(report.readUInt32BE(16)).toBe(fields(next)[1]);
  });
});
