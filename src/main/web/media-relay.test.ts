import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { relayMedia } from './media-relay.js';

async function listening(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function get(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('media relay', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  async function relayTo(backendPort: number) {
    const logger = recordingLogger();
    const host = createServer((req, res) => relayMedia(req, res, new URL(req.url ?? '/', `http://127.0.0.1:${backendPort}`), undefined, logger));
    servers.push(host);
    return { port: await listening(host), logger };
  }

  it('passes the backend’s answer on, with the signed query, keeping only the headers a player needs', async () => {
    const seen: string[] = [];
    const backend = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-cache', 'Access-Control-Allow-Origin': 'http://x', Server: 'zhili-backend' });
      res.end('#EXTM3U\n');
    });
    servers.push(backend);
    const { port } = await relayTo(await listening(backend));
    const answer = await get(port, '/media/demo/clip-0.m3u8?expires=9&signature=abc');
    expect(seen).toEqual(['/media/demo/clip-0.m3u8?expires=9&signature=abc']);
    expect(answer).toMatchObject({ status: 200, body: '#EXTM3U\n', headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'no-cache' } });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers.server).toBeUndefined();
  });

  it('answers 502 with a warning when the backend is down, and passes its refusals on as they are', async () => {
    const refusing = createServer((_req, res) => res.writeHead(403).end('forged'));
    servers.push(refusing);
    expect((await get((await relayTo(await listening(refusing))).port, '/media/x.ts')).status).toBe(403);
    const gone = createServer();
    const gonePort = await listening(gone);
    gone.close();
    const { port, logger } = await relayTo(gonePort);
    expect((await get(port, '/media/x.ts')).status).toBe(502);
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: 'could not relay a media request to the backend' }));
  });

  it('drops its request to the backend when the player goes away', async () => {
    let backendSawClose!: () => void;
    const closed = new Promise<void>((resolve) => (backendSawClose = resolve));
    const backend = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp2t' });
      res.write('first bytes');
      req.socket.on('close', backendSawClose);
    });
    servers.push(backend);
    const { port } = await relayTo(await listening(backend));
    await new Promise<void>((resolve) => {
      const player = request({ host: '127.0.0.1', port, path: '/media/live.ts' }, (response) => {
        response.once('data', () => {
          player.destroy();
          resolve();
        });
      });
      player.end();
    });
    await closed;
  });
});
