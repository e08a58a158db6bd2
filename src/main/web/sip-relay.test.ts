import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { MAX_SIP_FRAME_BYTES, createSipRelay, type SipRelay } from './sip-relay.js';

/** A stand-in SIP server's WebSocket side: it echoes each frame back with its type, and remembers its connections. */
describe('the SIP relay', () => {
  let sipServer: WebSocketServer;
  let sipUrl: string | null;
  let host: Server;
  let relay: SipRelay;
  let hostUrl: string;
  const logger = recordingLogger();
  const serverSide: WebSocket[] = [];

  beforeEach(async () => {
    sipServer = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false) });
    await once(sipServer, 'listening');
    sipUrl = `ws://127.0.0.1:${(sipServer.address() as AddressInfo).port}`;
    sipServer.on('connection', (socket) => {
      serverSide.push(socket);
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    relay = createSipRelay({ target: () => sipUrl, logger });
    host = createServer();
    host.on('upgrade', (request, socket, head) => relay.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `ws://127.0.0.1:${(host.address() as AddressInfo).port}/sip`;
  });

  afterEach(async () => {
    relay.close();
    host.closeAllConnections();
    await new Promise<void>((resolve) => host.close(() => resolve()));
    await new Promise<void>((resolve) => sipServer.close(() => resolve()));
    serverSide.length = 0;
  });

  const openPage = async () => {
    const page = new WebSocket(hostUrl, 'sip');
    await once(page, 'open');
    return page;
  };

  it('passes frames both ways with their type and the sip subprotocol', async () => {
    const page = await openPage();
    expect(page.protocol).toBe('sip');
    const replies: { text: string; binary: boolean }[] = [];
    page.on('message', (data, isBinary) => replies.push({ text: (data as Buffer).toString(), binary: isBinary }));
    page.send('REGISTER sip:zhili.test SIP/2.0\r\n\r\n');
    page.send(Buffer.from('\r\n\r\n'), { binary: true });
    await expect.poll(() => replies.length).toBe(2);
    expect(replies).toEqual([
      { text: 'REGISTER sip:zhili.test SIP/2.0\r\n\r\n', binary: false },
      { text: '\r\n\r\n', binary: true },
    ]);
    page.close();
  });

  it('closes the page when the SIP server closes, and the SIP server side when the page leaves', async () => {
    const page = await openPage();
    await expect.poll(() => serverSide.length).toBe(1);
    const pageClosed = once(page, 'close');
    serverSide[0]?.close(1001, 'going away');
    const [code] = (await pageClosed) as [number];
    expect(code).toBe(1001);

    const second = await openPage();
    await expect.poll(() => serverSide.length).toBe(2);
    const serverClosed = once(serverSide[1] as WebSocket, 'close');
    second.terminate();
    await serverClosed;
  });

  it('refuses a frame over the cap, closing both ends', async () => {
    const page = await openPage();
    await expect.poll(() => serverSide.length).toBe(1);
    const serverClosed = once(serverSide[0] as WebSocket, 'close');
    const pageClosed = once(page, 'close');
    page.send('x'.repeat(MAX_SIP_FRAME_BYTES + 1));
    const [code] = (await pageClosed) as [number];
    expect(code).toBe(1009);
    await serverClosed;
  });

  it('answers 502 when the SIP server is unreachable, and 503 when none is known', async () => {
    const status = async () => {
      const page = new WebSocket(hostUrl, 'sip');
      // Ending a handshake that got an HTTP answer reports an error of its own; the status is what is checked.
      page.on('error', () => undefined);
      const [, response] = (await once(page, 'unexpected-response')) as [unknown, { statusCode: number }];
      page.terminate();
      return response.statusCode;
    };
    const port = (sipServer.address() as AddressInfo).port;
    sipUrl = `ws://127.0.0.1:${port === 1 ? 2 : 1}`;
    expect(await status()).toBe(502);
    sipUrl = null;
    expect(await status()).toBe(503);
    expect(logger.records.some((record) => record.level === 'warn' && record.message === 'the SIP server could not be reached for a page')).toBe(true);
  });
});
