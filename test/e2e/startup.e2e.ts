import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet, request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../helpers/host-client.js';
import { TEST_ADMIN_PASSWORD } from '../helpers/identity.js';
import { runToExit, startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';

/** Start-up as an operator meets it: failures say what to do in one sentence and never touch the data. */
describe('web host start-up', () => {
  let work: string;
  const cityDir = testCityDir();
  const hostArgs = (dataDir: string, ...more: string[]) => ['--web', '--data-dir', dataDir, '--city-dir', cityDir, ...more];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'zhili-startup-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('runs on its embedded backend with no configuration, writes structured logs and stops cleanly', async () => {
    const dataDir = join(work, 'embedded');
    const host = await startProcess('out/main/web-host.mjs', hostArgs(dataDir, '--port', '0'), /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)#code=/);
    const base = host.match[1] as string;
    await expect
      .poll(async () => ((await (await fetch(`${base}healthz`)).json()) as { backend: { state: string; embedded: boolean } }).backend, { timeout: 10_000 })
      .toMatchObject({ state: 'connected', embedded: true });
    expect((await fetch(`${base}map`)).status).toBe(200);
    expect((await fetch(`${base}nowhere`)).status).toBe(404);
    expect((await fetch(`${base}..%2f..%2fpackage.json`)).status).toBe(404);
    const csp = (await fetch(`${base}map`)).headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    expect(await host.stop('SIGTERM')).toBe(0);
    const logs = readdirSync(join(dataDir, 'logs'));
    expect(logs.some((name) => /^web-host-\d{4}-\d{2}-\d{2}\.log$/.test(name))).toBe(true);
    const lines = readFileSync(join(dataDir, 'logs', logs.find((name) => name.startsWith('web-host')) as string), 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(expect.arrayContaining(['starting', 'web host ready', 'stopped']));
  });

  it('stops with one sentence when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { code, output } = await runToExit('out/main/web-host.mjs', hostArgs(join(work, 'port'), '--port', String(port)));
    blocker.close();
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      `Zhili web host could not start: Port ${port} on 127.0.0.1 is already in use (another Zhili web host?): stop that program or choose another port with --port.`,
    );
  });

  it('stops with one sentence when the data folder cannot be written', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a folder');
    const { code, output } = await runToExit('out/main/web-host.mjs', hostArgs(join(file, 'data'), '--port', '0'));
    expect(code).toBe(1);
    expect(output).toMatch(/^Zhili web host could not start: The data folder .* is not writable \(ENOTDIR\): fix its permissions or choose another with --data-dir or ZHILI_DATA_DIR\.\n$/);
  });

  it('stops with one sentence on a damaged database and leaves the file as it was', async () => {
    const dataDir = join(work, 'damaged');
    mkdirSync(dataDir, { recursive: true });
    const database = join(dataDir, 'console.sqlite');
    writeFileSync(database, 'garbage '.repeat(1000));
    const before = readFileSync(database);
    const { code, output } = await runToExit('out/main/web-host.mjs', hostArgs(dataDir, '--port', '0'));
    expect(code).toBe(1);
    expect(output).toContain('is damaged');
    expect(output).toContain('Zhili left it untouched; move it aside to start with a fresh one, or restore it from a backup.');
    expect(readFileSync(database).equals(before)).toBe(true);
  });

  it('serves its pages to anyone but its API and city data only to a signed-in caller, and the printed link once', async () => {
    const host = await startProcess('out/main/web-host.mjs', hostArgs(join(work, 'signin'), '--port', '0'), /Zhili web host: (http:\/\/127\.0\.0\.1:(\d+))\/#code=([\w-]+) /);
    const [, base, port, code] = host.match as unknown as [string, string, string, string];
    expect((await fetch(`${base}/map`)).status).toBe(200);
    expect((await fetch(`${base}/city/manifest.json`)).status).toBe(401);
    // Camera media and the SIP relay are for signed-in callers too, whatever the Origin.
    expect((await fetch(`${base}/media/demo/cm000001-sub.m3u8`)).status).toBe(401);
    expect(await openSocket(`ws://127.0.0.1:${port}/sip`, base)).toBe('refused');
    const post = (path: string, body: unknown, origin: string | null = base) =>
      fetch(`${base}/auth/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(origin ? { Origin: origin } : {}) }, body: JSON.stringify(body) });
    // Another site's page cannot sign a visitor's browser in or out (CSRF), nor can a request without an Origin.
    expect((await post('sign-in', { username: 'admin', password: TEST_ADMIN_PASSWORD }, 'http://evil.example')).status).toBe(403);
    expect((await post('sign-in', { username: 'admin', password: TEST_ADMIN_PASSWORD }, null)).status).toBe(403);
    expect((await post('sign-in', { username: 'admin', password: 'not the password' })).status).toBe(401);
    const signedIn = await post('sign-in', { username: 'admin', password: TEST_ADMIN_PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('set-cookie')).toMatch(/^zhili_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43(19\d|200)$/);
    const cookie = (signedIn.headers.get('set-cookie') as string).split(';')[0] as string;
    expect((await fetch(`${base}/city/manifest.json`, { headers: { Cookie: cookie } })).status).toBe(200);

    // The link printed at start signs one browser in, once.
    const redeemed = await post('redeem', { code });
    expect(redeemed.status).toBe(200);
    expect(await redeemed.json()).toMatchObject({ principal: { kind: 'user', username: 'admin' } });
    expect((await post('redeem', { code })).status).toBe(401);

    // The API socket: nobody may ask who they are and sign in, nothing else; a page from another site is refused.
    const anonymous = await connectHost(`${base}/`, false);
    expect(await anonymous.call('incidents.list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await anonymous.call('session.current', {})).toEqual({ ok: true, value: { kind: 'anonymous' } });
    anonymous.dispose();
    expect(await openSocket(`ws://127.0.0.1:${port}/api/ws`, 'http://evil.example')).toBe('refused');
    expect(await openSocket(`ws://127.0.0.1:${port}/api/ws`, `http://127.0.0.1:${port}`)).toBe('open');
    await host.stop();
  });

  it('serves HTTPS with a certificate of its own beyond loopback, and its session cookie only over HTTPS', async () => {
    const host = await startProcess('out/main/web-host.mjs', hostArgs(join(work, 'lan'), '--host', '0.0.0.0', '--port', '0'), /Zhili web host: (https:\/\/[^/:]+:(\d+)\/)#code=/);
    const port = host.match[2] as string;
    // The self-signed certificate the host made, trusted here as a wall browser trusts it once.
    const ca = readFileSync(join(work, 'lan', 'web-tls-cert.pem'), 'utf8');
    const base = `https://127.0.0.1:${port}`;
    expect((await get(`${base}/map`, ca)).status).toBe(200);
    expect((await get(`${base}/city/manifest.json`, ca)).status).toBe(401);
    expect((await get(`${base}/healthz`, ca)).status).toBe(200);
    const signedIn = await post(`${base}/auth/sign-in`, { username: 'admin', password: TEST_ADMIN_PASSWORD }, base, ca);
    expect(signedIn.status).toBe(200);
    expect(signedIn.setCookie).toMatch(/^zhili_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    expect(await openSocket(`wss://127.0.0.1:${port}/api/ws`, 'https://evil.example', ca)).toBe('refused');
    expect(await openSocket(`wss://127.0.0.1:${port}/api/ws`, undefined, ca)).toBe('open');
    await host.stop();
  });

  it('answers a malformed message with an error and keeps the connection serving', async () => {
    const host = await startProcess('out/main/web-host.mjs', hostArgs(join(work, 'malformed'), '--port', '0'), /Zhili web host: http:\/\/127\.0\.0\.1:(\d+)\//);
    const socket = new WebSocket(`ws://127.0.0.1:${host.match[1] as string}/api/ws`);
    const messages: { t: string; error?: { code: string }; id?: number; response?: { ok: boolean } }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as (typeof messages)[number]));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('{not json');
    socket.send(JSON.stringify({ t: 'call', id: 'one', method: 'settings.get' }));
    socket.send(JSON.stringify({ t: 'subscribe', event: 'no.such.event' }));
    socket.send(JSON.stringify({ t: 'call', id: 7, method: 'host.info', params: {} }));
    await expect.poll(() => messages.find((message) => message.t === 'result'), { timeout: 5000 }).toMatchObject({ id: 7, response: { ok: true } });
    expect(messages.filter((message) => message.t === 'error').map((message) => message.error?.code)).toEqual([
      'invalid-message',
      'invalid-message',
      'invalid-message',
    ]);
    socket.close();
    await host.stop();
  });
});

function openSocket(address: string, origin?: string, ca?: string): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(address, { ...(origin ? { origin } : {}), ...(ca ? { ca } : {}) });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('error', () => resolve('refused'));
  });
}

/** A GET over HTTPS trusting `ca` (fetch cannot be given a certificate to trust). */
function get(url: string, ca: string): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, setCookie: (response.headers['set-cookie'] ?? []).join('\n') });
    }).on('error', reject);
  });
}

/** A JSON POST over HTTPS trusting `ca`, from a page of `origin`. */
function post(url: string, body: unknown, origin: string, ca: string): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: 'POST', ca, headers: { 'Content-Type': 'application/json', Origin: origin } }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, setCookie: (response.headers['set-cookie'] ?? []).join('\n') });
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}
