import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ZmtpDealer, frame, readFrame } from './zmtp-dealer.js';

describe('ZMTP frames', () => {
  it('writes short and long frames that read back, and waits for a frame that has not all arrived', () => {
    const short = frame(Buffer.from('crop@view x 10'), { more: true });
    expect([...short.subarray(0, 2)]).toEqual([0x01, 14]);
    const long = frame(Buffer.alloc(300, 7));
    expect(long[0]).toBe(0x02);
    expect(readFrame(long)).toMatchObject({ more: false, command: false, length: 309 });
    expect(readFrame(long.subarray(0, 100))).toBeNull();
    const both = Buffer.concat([short, long]);
    const first = readFrame(both);
    expect(first?.body.toString()).toBe('crop@view x 10');
    expect(readFrame(both.subarray(first?.length ?? 0))?.body.length).toBe(300);
  });

  it('refuses a peer that is not ZMTP 3 with the NULL mechanism', async () => {
    const server = createServer((socket) => socket.end(Buffer.alloc(64, 0x41)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await expect(ZmtpDealer.connect('127.0.0.1', address.port, 1000)).rejects.toThrow(/not a ZMTP 3 peer/);
    server.close();
  });
});
