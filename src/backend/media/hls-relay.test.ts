import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { relayHls, rewritePlaylistUris } from './hls-relay.js';

describe('the HLS relay', () => {
  it('rewrites every URI of a playlist, in its lines and its tags, and leaves the other tags alone', () => {
    const playlist = [
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:1.000,',
      'seg-00001.ts',
      '#EXTINF:1.000,',
      'seg-00002.ts?part=1',
      'https://cdn.example/seg-00003.ts',
      '',
    ].join('\n');
    expect(rewritePlaylistUris(playlist, (uri) => `<${uri}>`).split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-MAP:URI="<init.mp4>"',
      '#EXTINF:1.000,',
      '<seg-00001.ts>',
      '#EXTINF:1.000,',
      '<seg-00002.ts?part=1>',
      '<https://cdn.example/seg-00003.ts>',
      '',
    ]);
  });
});

describe('the HLS relay against a failing media server', () => {
  const TIMEOUT_MS = 400;
  let upstream: Server;
  let relay: Server;
  let relayBase: string;
  let logger: ReturnType<typeof recordingLogger>;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      if (request.url === '/live/index.m3u8') return void response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' }).end('#EXTM3U\nseg-1.ts\n');
      if (request.url === '/live/stalls.m3u8') return; // never answers
      if (request.url === '/live/stalls-mid-playlist.m3u8') return void response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' }).write('#EXTM3U\n');
      if (request.url === '/live/stalls-mid-segment.ts') return void response.writeHead(200, { 'Content-Type': 'video/mp2t', 'Content-Length': '1000' }).write(Buffer.alloc(100));
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    logger = recordingLogger();
    relay = createServer((request, response) => {
      const target = request.url === '/unreachable.m3u8' ? new URL('http://127.0.0.1:9/index.m3u8') : new URL(request.url ?? '/', upstreamBase);
      void relayHls(target, response, (text) => text.replace('seg-1.ts', 'seg-1.ts?signed'), logger, TIMEOUT_MS);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    relayBase = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const server of [relay, upstream]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const timed = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`${relayBase}${path}`);
    const body = await response.text().then((text) => text, (error: unknown) => `body failed: ${(error as Error).name}`);
    return { status: response.status, body, ms: performance.now() - started };
  };

  it('relays a playlist rewritten', async () => {
    expect(await timed('/live/index.m3u8')).toMatchObject({ status: 200, body: '#EXTM3U\nseg-1.ts?signed\n' });
  });

  it('answers 504 within its timeout when the media server stalls before answering or mid-playlist', async () => {
    for (const path of ['/live/stalls.m3u8', '/live/stalls-mid-playlist.m3u8']) {
      const result = await timed(path);
      expect(result.status).toBe(504);
      // Not before the timeout, and not long after it on a busy machine.
      expect(result.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(result.ms).toBeLessThan(TIMEOUT_MS + 3000);
    }
    expect(logger.records.filter((record) => record.fields?.reason === 'timeout')).toHaveLength(2);
  });

  it('ends a segment that stalls mid-way early instead of hanging', async () => {
    const result = await timed('/live/stalls-mid-segment.ts');
    expect(result.status).toBe(200);
    expect(result.body).toMatch(/^body failed/);
    expect(result.ms).toBeLessThan(TIMEOUT_MS + 3000);
  });

  it('answers 404 for a stream the media server does not have, and 502 when it cannot be reached', async () => {
    expect((await timed('/live/gone.m3u8')).status).toBe(404);
    expect((await timed('/unreachable.m3u8')).status).toBe(502);
  });
});
