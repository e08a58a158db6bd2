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

  it('gives up on a request that gets no reply, and fails what was waiting with it', async () => {
    // A NULL-mechanism peer that completes the handshake and then answers nothing (as ffmpeg's REP does after a
    // request it could not parse).
    const server = createServer((socket) => {
      const greeting = Buffer.alloc(64);
      greeting[0] = 0xff;
      greeting[9] = 0x7f;
      greeting[10] = 3;
      greeting.write('NULL', 12, 'latin1');
      const ready = Buffer.from([5, ...Buffer.from('READY'), 11, ...Buffer.from('Socket-Type'), 0, 0, 0, 3, ...Buffer.from('REP')]);
      socket.write(Buffer.concat([greeting, frame(ready, { command: true })]));
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const dealer = await ZmtpDealer.connect('127.0.0.1', address.port, 1000);
    const first = dealer.request('crop@view x 10', 200);
    const second = dealer.request('crop@view y 10', 5000);
    await expect(first).rejects.toThrow('no reply to "crop@view x 10" within 200 ms');
    await expect(second).rejects.toThrow(/no reply/);
    await expect(dealer.request('crop@view x 20')).rejects.toThrow(/no reply/);
    server.close();
  });
});

