import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/helpers/test-logger.js';
import { startTestBackend } from '../../test/helpers/test-backend.js';
import { BACKEND_PROTOCOL_VERSION } from '../shared/backend/protocol.js';
import type { RunningBackend } from './backend-server.js';
import { generateConsoleCredential } from './consoles/index.js';

const CONSOLE_ID = '0b7c7f0e-8f0e-4d4b-9d63-5c8f7a0e0001';

/** Who may reach the backend: consoles with their credential over socket.io, players with a signed URL over HTTP. */
describe('backend: console credentials, Origin and signed media URLs', () => {
  const logger = recordingLogger();
  const credential = generateConsoleCredential();
  let work: string;
  let backend: RunningBackend;
  const warnings = (message: string) => logger.records.filter((record) => record.level === 'warn' && record.message === message);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-backend-auth-'));
    backend = await startTestBackend({ dataDir: work, logger, inProcessConsoleCredential: credential });
  });

  afterAll(async () => {
    await backend?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Connects as a console would, and says what came of it: connected, or the refusal's reason and message. */
  const connect = (auth: Record<string, unknown>, extraHeaders: Record<string, string> = {}) => {
    const socket = io(backend.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { protocol: BACKEND_PROTOCOL_VERSION, appVersion: '0.1.0', ...auth }, extraHeaders });
    return new Promise<{ connected: true; socket: typeof socket } | { connected: false; reason: string | undefined; message: string }>((resolve) => {
      socket.once('connect', () => resolve({ connected: true, socket }));
      socket.once('connect_error', (error: Error & { data?: { reason?: string } }) => {
        socket.close();
        resolve({ connected: false, reason: error.data?.reason, message: error.message });
      });
    });
  };

  it('refuses a console without a credential, or with a wrong one, as unauthorized with what to do', async () => {
    for (const auth of [{ consoleId: CONSOLE_ID }, { consoleId: CONSOLE_ID, credential: generateConsoleCredential() }, { consoleId: CONSOLE_ID, credential: 'x' }]) {
      const result = await connect(auth);
      expect(result).toMatchObject({ connected: false, reason: 'unauthorized', message: expect.stringContaining('--enrol-console') });
    }
    expect(warnings('refused a console credential').map((record) => record.fields?.detail)).toEqual(['no-credential', 'unknown-or-revoked', 'malformed']);
  });

  it('takes the console id from the credential: the same credential cannot speak for another console', async () => {
    const first = await connect({ consoleId: CONSOLE_ID, credential });
    expect(first.connected).toBe(true);
    const other = await connect({ consoleId: 'someone-else', credential });
    expect(other).toMatchObject({ connected: false, reason: 'unauthorized', message: expect.stringContaining('belongs to another console') });
    if (first.connected) first.socket.close();
  });

  it('refuses a connection that carries an Origin header (a web page), credential or not', async () => {
    const result = await connect({ consoleId: CONSOLE_ID, credential }, { Origin: 'http://127.0.0.1:7400' });
    expect(result.connected).toBe(false);
    expect(warnings('refused a connection from a web page').map((record) => record.fields?.origin)).toEqual(['http://127.0.0.1:7400']);
  });

  it('serves /media only on a URL it signed, reflecting the Origin and never "*"', async () => {
    const result = await connect({ consoleId: CONSOLE_ID, credential });
    if (!result.connected) throw new Error(result.message);
    const signed = (await result.socket.emitWithAck('media:sign', ['/media/demo/cm000001-sub.m3u8'])) as { ok: true; value: string[] };
    result.socket.close();
    const path = signed.value[0] as string;
    expect(path).toMatch(/^\/media\/demo\/cm000001-sub\.m3u8\?expires=\d+&signature=[\w-]+$/);

    const unsigned = await fetch(`${backend.url}/media/demo/cm000001-sub.m3u8`, { headers: { Origin: 'http://evil.example' } });
    expect([unsigned.status, unsigned.headers.get('access-control-allow-origin')]).toEqual([401, null]);
    const forged = await fetch(`${backend.url}${path.replace('cm000001', 'cm000002')}`);
    expect(forged.status).toBe(403);

    const playlist = await fetch(`${backend.url}${path}`, { headers: { Origin: 'http://127.0.0.1:7400' } });
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:7400');
    expect(playlist.headers.get('vary')).toBe('Origin');
    const segment = (await playlist.text()).split('\n').filter((line) => line.endsWith('.ts') || line.includes('.ts?')).at(-1) as string;
    expect(segment).toMatch(/^cm000001-sub\/\d+\.ts\?expires=\d+&signature=[\w-]+$/);
    const media = await fetch(new URL(segment, `${backend.url}/media/demo/`));
    expect(media.status).toBe(200);
    expect(media.headers.get('access-control-allow-origin')).toBeNull();
    await media.arrayBuffer();
    expect(warnings('refused a media request').map((record) => record.fields?.check)).toEqual(['unsigned', 'forged']);
  });

  it('signs only /media paths', async () => {
    const result = await connect({ consoleId: CONSOLE_ID, credential });
    if (!result.connected) throw new Error(result.message);
    await expect(result.socket.emitWithAck('media:sign', ['/healthz'])).resolves.toMatchObject({ ok: false });
    result.socket.close();
  });
});
