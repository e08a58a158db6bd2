import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateConsoleCredential } from '../../src/backend/consoles/index.js';
import { BACKEND_PROTOCOL_VERSION } from '../../src/shared/backend/protocol.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { call, connectHost } from '../helpers/host-client.js';
import { runToExit, startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';

type Running = Awaited<ReturnType<typeof startProcess>>;
const CONSOLE_ID = '3d0c1c52-7a9e-4f7e-8a36-1e0d2c4b1a01';

/** Status of a plain-HTTP GET to `url` with this Host header (fetch may not set Host). */
function statusForHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** Connects to a backend as a console would (socket.io-client from Node), and says what came of it. */
async function connectConsole(url: string, credential: string | undefined, headers: Record<string, string> = {}, consoleId = CONSOLE_ID) {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
    auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId, appVersion: 'e2e', ...(credential === undefined ? {} : { credential }) },
  });
  return new Promise<{ connected: true; socket: typeof socket } | { connected: false; reason: string | undefined }>((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (error: Error & { data?: { reason?: string } }) => {
      socket.close();
      resolve({ connected: false, reason: error.data?.reason });
    });
  });
}

const consoleAdmin = (dataDir: string, ...args: string[]) => runToExit('out/backend/backend.mjs', ['--data-dir', dataDir, ...args]);

/**
 * Issue #14: a backend admits only consoles with a credential of their own (the standalone one enrolled with its CLI,
 * the embedded one the credential its host made in-process), refuses web pages, and serves /media on signed URLs only.
 */
describe('the backend authenticates every console', () => {
  let work: string;
  let backend: Running;
  let backendUrl: string;
  let credentialFile: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-backend-auth-'));
    backend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--sip-server', 'none', '--demo-ptz-cameras', '0'],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
    );
    backendUrl = backend.match[1] as string;
    credentialFile = await enrolConsole(join(work, 'backend'), 'desk-1');
  });

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('standalone: refuses a console without a credential or with an unknown one, and one from a web page; admits the enrolled one', async () => {
    expect(await connectConsole(backendUrl, undefined)).toEqual({ connected: false, reason: 'unauthorized' });
    expect(await connectConsole(backendUrl, generateConsoleCredential())).toEqual({ connected: false, reason: 'unauthorized' });
    const credential = readFileSync(credentialFile, 'utf8').trim();
    expect((await connectConsole(backendUrl, credential, { Origin: 'http://127.0.0.1:7400' })).connected).toBe(false);
    const admitted = await connectConsole(backendUrl, credential);
    if (!admitted.connected) throw new Error(`refused: ${admitted.reason}`);
    await expect(admitted.socket.emitWithAck('hello', null)).resolves.toMatchObject({ ok: true, value: { protocol: BACKEND_PROTOCOL_VERSION } });
    admitted.socket.close();
    await expect.poll(() => backend.output()).toContain('refused a connection from a web page');
    expect(backend.output()).toContain('refused a console credential');
  });

  it('standalone: serves /media only on a URL it signed, without "Access-Control-Allow-Origin: *"', async () => {
    const admitted = await connectConsole(backendUrl, readFileSync(credentialFile, 'utf8').trim());
    if (!admitted.connected) throw new Error(`refused: ${admitted.reason}`);
    const reply = (await admitted.socket.emitWithAck('media:sign', ['/media/demo/cm000001-sub.m3u8'])) as { ok: true; value: string[] };
    admitted.socket.close();
    const signed = reply.value[0] as string;
    const origin = { Origin: 'http://127.0.0.1:7400' };
    const unsigned = await fetch(`${backendUrl}/media/demo/cm000001-sub.m3u8`, { headers: origin });
    expect([unsigned.status, unsigned.headers.get('access-control-allow-origin')]).toEqual([401, null]);
    const forged = await fetch(`${backendUrl}${signed.replace(/signature=[\w-]{5}/, 'signature=AAAAA')}`, { headers: origin });
    expect([forged.status, forged.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    const playlist = await fetch(`${backendUrl}${signed}`, { headers: origin });
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:7400');
    expect(await playlist.text()).toMatch(/\ncm000001-sub\/\d+\.ts\?expires=\d+&signature=[\w-]+\n/);
  });

  it('standalone: a revoked console is refused, and the console says so; list shows it revoked', async () => {
    const spare = await enrolConsole(join(work, 'backend'), 'desk-2');
    // Connected when its credential is revoked: the backend ends the connection by itself within seconds.
    const connected = await connectConsole(backendUrl, readFileSync(spare, 'utf8').trim(), {}, '5b7e4a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b');
    if (!connected.connected) throw new Error(`refused: ${connected.reason}`);
    const dropped = new Promise<string>((resolve) => connected.socket.once('disconnect', resolve));
    const revoked = await consoleAdmin(join(work, 'backend'), '--revoke-console', 'desk-2');
    expect(await dropped).toBe('io server disconnect');
    await expect.poll(() => backend.output()).toContain('closed the connection of a console whose credential was revoked');
    expect(revoked).toMatchObject({ code: 0, output: expect.stringContaining('Revoked console "desk-2"') });
    expect(await connectConsole(backendUrl, readFileSync(spare, 'utf8').trim())).toEqual({ connected: false, reason: 'unauthorized' });
    const listed = await consoleAdmin(join(work, 'backend'), '--list-consoles');
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(/^desk-1\tin force\t.*\tconsole 3d0c1c52-7a9e-4f7e-8a36-1e0d2c4b1a01$/m);
    expect(listed.output).toMatch(/^desk-2\trevoked /m);

    const host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'revoked-console'), '--city-dir', testCityDir(), '--backend-url', backendUrl, '--backend-token-file', spare, '--demo-ptz-cameras', '0'],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    try {
      // What every window of the console shows: the state, and the backend's words on hovering it.
      const client = await connectHost(host.match[1] as string);
      try {
        const status = await waitUntil(() => call(client, 'backend.status', {}), (backendStatus) => backendStatus.state === 'unauthorized', 'the console to show it is not authorised');
        expect(status.lastError).toMatch(/--enrol-console/);
      } finally {
        client.dispose();
      }
    } finally {
      await host.stop();
    }
  });

  it('standalone: takes no shared --token-file and no credential on the command line', async () => {
    const shared = await consoleAdmin(join(work, 'refused'), '--token-file', credentialFile);
    expect(shared.code).not.toBe(0);
    expect(shared.output).toMatch(/Unknown option '--token-file'/);
    const printed = await consoleAdmin(join(work, 'refused'), '--enrol-console', 'desk-3');
    expect(printed.code).not.toBe(0);
    expect(printed.output).toMatch(/--enrol-console needs --credential-out <file>/);
  });

  it('embedded: the backend a web host starts admits its own console only', async () => {
    const host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'embedded'), '--city-dir', testCityDir(), '--demo-ptz-cameras', '0'],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    try {
      const health = await waitUntil(
        async () => ((await (await fetch(`${host.match[1] as string}healthz`)).json()) as { backend: { url: string | null; state: string } }).backend,
        (status) => status.url !== null && status.state === 'connected',
        'the embedded backend and its console connected',
      );
      const embeddedUrl = health.url as string;
      expect(await connectConsole(embeddedUrl, undefined)).toEqual({ connected: false, reason: 'unauthorized' });
      expect(await connectConsole(embeddedUrl, generateConsoleCredential())).toEqual({ connected: false, reason: 'unauthorized' });
      expect(await connectConsole(embeddedUrl, readFileSync(credentialFile, 'utf8').trim())).toEqual({ connected: false, reason: 'unauthorized' });
      expect((await fetch(`${embeddedUrl}/media/demo/cm000001-sub.m3u8`)).status).toBe(401);
      // Loopback as it is, it answers only the names it serves: a rebound DNS name gets 421.
      expect(await statusForHost(`${embeddedUrl}/healthz`, 'evil.example')).toBe(421);
      expect(await statusForHost(`${embeddedUrl}/healthz`, new URL(embeddedUrl).host)).toBe(200);
    } finally {
      await host.stop();
    }
  });
});
