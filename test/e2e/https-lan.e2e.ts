import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crew } from '../../src/shared/domain/directory.js';
import { launchChromium, spkiPin } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { kamailioInstalled } from '../helpers/kamailio.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { callFromPage, redeemFromPage, signInFromPage } from '../helpers/identity.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';

const CALL_TIMEOUT_MS = 30_000;
const LAN_NAME = 'zhili.test';

type Host = Awaited<ReturnType<typeof startProcess>>;

/**
 * Status of a GET to 127.0.0.1 with this Host header, over HTTPS trusting `ca` (its identity checked against the LAN
 * name, not the Host header) or plain HTTP.
 */
function statusFor(url: string, hostHeader: string, ca?: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: Number(target.port), path: '/healthz', headers: { host: hostHeader } };
    const request = ca ? httpsRequest({ ...options, ca, servername: LAN_NAME }) : httpRequest(options);
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The wall on a LAN: the web host on all interfaces with a name (`--server-name zhili.test`) makes a self-signed
 * certificate; Chromium resolves the name to loopback and trusts that certificate by its pin, as a wall controller
 * would. Pages there are a secure context, register through the host's /sip relay with the embedded backend's
 * kamailio, and call with media both ways. A second host on plain HTTP gives the same measurements over HTTP (on
 * 127.0.0.1, a secure context) and shows the not-secure banner when opened by name.
 */
describe.skipIf(!kamailioInstalled())('HTTPS on the LAN', () => {
  let work: string;
  let secureHost: Host;
  let plainHost: Host;
  let secureBase: string;
  let plainBase: string;
  let certFile: string;
  let browser: Browser;
  let crews: Crew[];
  const contexts: BrowserContext[] = [];
  const timings: Record<'https' | 'http', { mapFirstFrameMs: number; callMs: number }> = { https: { mapFirstFrameMs: 0, callMs: 0 }, http: { mapFirstFrameMs: 0, callMs: 0 } };

  /**
   * A page in a browser profile of its own, signed in from the page as its sign-in form does (Node cannot reach the
   * LAN name, the browser can): as the administrator, or enrolled with a one-time code as a crew phone is.
   */
  async function openPage(url: string, as: { signIn: true } | { code: string } | null = { signIn: true }): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, permissions: ['microphone', 'camera', 'geolocation'], reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error on ${url}:`, error));
    await page.goto(url);
    if (as === null) return page;
    if ('signIn' in as) await signInFromPage(page);
    else await redeemFromPage(page, as.code);
    await page.reload();
    return page;
  }
  const registration = (page: Page) => page.getByTestId('sip-registration').getAttribute('data-state');

  /** Time from navigation to the map's first complete frame (maplibre idle, as map.e2e.ts waits for it). */
  async function mapFirstFrameMs(url: string): Promise<number> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, reducedMotion: 'reduce' });
    try {
      const page = await context.newPage();
      // Signed in on the host's own small page first, so that what is timed is the map's load alone.
      await page.goto(new URL('/healthz', url).toString());
      await signInFromPage(page);
      const started = performance.now();
      await page.goto(url);
      await page.locator('[data-testid="map"][data-idle="true"]').waitFor({ timeout: 90_000 });
      return performance.now() - started;
    } finally {
      await context.close();
    }
  }

  /**
   * One click on 语音 beside the crew in the directory of `base`'s dispatch window, to the crew's terminal answering
   * by itself: returns the click-to-talking time, once media flows both ways.
   */
  async function oneClickCall(base: string, crew: Crew): Promise<number> {
    const dispatch = await openPage(`${base}/dispatch`);
    // The crew's phone enrols with the one-time code an administrator issues for it (shown as a QR code).
    const issued = await callFromPage<{ enrolmentCode: string }>(dispatch, 'credentials.issue', { kind: 'crew', crewId: crew.id });
    const terminal = await openPage(`${base}/crew?autoAnswer=1`, { code: issued.enrolmentCode });
    for (const page of [dispatch, terminal]) {
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      expect(await page.getByTestId('insecure-context').count()).toBe(0);
      await expect.poll(() => registration(page), { timeout: CALL_TIMEOUT_MS }).toBe('registered');
    }
    await terminal.getByTestId('status-available').click();
    await dispatch.getByRole('searchbox').fill(crew.sipExtension);
    const button = dispatch.locator('[data-testid="crew-list"] li', { hasText: crew.name }).getByTestId('call-voice');
    await expect.poll(() => button.isEnabled(), { timeout: CALL_TIMEOUT_MS }).toBe(true);
    const clicked = performance.now();
    await button.click();
    const consoleSide = dispatch.locator(`[data-testid="calls"] li[data-phase="talking"][data-user="${crew.sipExtension}"]`);
    await consoleSide.waitFor({ timeout: CALL_TIMEOUT_MS });
    const elapsed = performance.now() - clicked;
    const crewSide = terminal.locator('[data-testid="calls"] li[data-phase="talking"]').first();
    for (const row of [consoleSide, crewSide]) {
      await expect.poll(async () => Number(await row.getAttribute('data-audio-in')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(2000);
      const first = Number(await row.getAttribute('data-audio-in'));
      await expect.poll(async () => Number(await row.getAttribute('data-audio-in')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(first);
    }
    await consoleSide.getByTestId('hang-up').click();
    await expect.poll(() => terminal.locator('[data-testid="calls"] li[data-phase="talking"]').count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);
    return elapsed;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-https-lan-e2e-'));
    const common = ['--port', '0', '--city-dir', testCityDir(), '--demo-ptz-cameras', '0', '--server-name', LAN_NAME];
    secureHost = await startProcess('out/main/web-host.mjs', [...common, '--host', '0.0.0.0', '--data-dir', join(work, 'secure')], /Zhili web host: (https:\/\/zhili\.test:\d+\/)/, { timeoutMs: 60_000 });
    secureBase = (secureHost.match[1] as string).replace(/\/$/, '');
    plainHost = await startProcess('out/main/web-host.mjs', [...common, '--data-dir', join(work, 'plain')], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/, { timeoutMs: 60_000 });
    plainBase = (plainHost.match[1] as string).replace(/\/$/, '');
    certFile = join(work, 'secure', 'web-tls-cert.pem');
    // The start line names the certificate by the fingerprint a wall browser shows, and by the pin Chromium takes.
    const x509 = new X509Certificate(readFileSync(certFile));
    expect(secureHost.output()).toContain(`SHA-256 ${x509.fingerprint256}`);
    expect(secureHost.output()).toContain(`SPKI pin sha256/${spkiPin(certFile)}`);
    expect(x509.checkHost(LAN_NAME)).toBe(LAN_NAME);

    const client = await connectHost(`${plainBase}/`);
    await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the backend');
    crews = (await call(client, 'directory.crews', { onDutyOnly: true, limit: 50 })).filter((crew) => crew.status === 'available').slice(0, 2);
    client.dispose();
    expect(crews.length).toBe(2);
    browser = await launchChromium({ media: true, hostResolverRules: `MAP ${LAN_NAME} 127.0.0.1`, trustedSpkiPins: [spkiPin(certFile)] });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await secureHost?.stop();
    await plainHost?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('calls from the dispatch window to a crew terminal over HTTPS at the LAN name, media both ways, SIP through /sip', async () => {
    timings.https.callMs = await oneClickCall(secureBase, crews[0] as Crew);
    // The page never talks to kamailio's loopback port: its SIP goes through the host's relay on the page's origin.
    expect(secureHost.output()).not.toMatch(/SIP server could not be reached/);
  });

  it('the same over plain HTTP on loopback (a secure context too), for the cost of TLS', async () => {
    timings.http.callMs = await oneClickCall(plainBase, crews[1] as Crew);
  });

  it('refuses a request for a name the host does not serve with 421, over HTTPS and HTTP', async () => {
    const ca = readFileSync(certFile, 'utf8');
    expect(await statusFor(secureBase, `${LAN_NAME}:${new URL(secureBase).port}`, ca)).toBe(200);
    expect(await statusFor(secureBase, 'evil.example', ca)).toBe(421);
    expect(await statusFor(plainBase, 'evil.example')).toBe(421);
    expect(secureHost.output()).toMatch(/refused a request for a name this host does not serve/);
  });

  it('says plainly on a page at a LAN name over plain HTTP that calls need HTTPS, and a call click says so too', async () => {
    const insecureBase = plainBase.replace('127.0.0.1', LAN_NAME);
    const dispatch = await openPage(`${insecureBase}/dispatch`);
    const crew = crews[1] as Crew;
    const issued = await callFromPage<{ enrolmentCode: string }>(dispatch, 'credentials.issue', { kind: 'crew', crewId: crew.id });
    expect(await dispatch.evaluate(() => window.isSecureContext)).toBe(false);
    await expect.poll(() => dispatch.getByTestId('insecure-context').textContent()).toContain('HTTPS');
    await expect.poll(() => registration(dispatch)).toBe('unavailable');
    await dispatch.getByRole('searchbox').fill(crew.sipExtension);
    const button = dispatch.locator('[data-testid="crew-list"] li', { hasText: crew.name }).getByTestId('call-voice');
    await expect.poll(() => button.isEnabled(), { timeout: CALL_TIMEOUT_MS }).toBe(true);
    await button.click();
    await expect.poll(() => dispatch.getByTestId('call-problem').textContent()).toContain('https://');

    const terminal = await openPage(`${insecureBase}/crew`, { code: issued.enrolmentCode });
    await expect.poll(() => terminal.getByTestId('insecure-context').textContent()).toContain('HTTPS');
    await terminal.getByTestId('call-centre').click();
    await expect.poll(() => terminal.getByRole('alert').filter({ hasText: 'https://' }).count()).toBeGreaterThan(0);
  });

  it('measures the first map frame over HTTPS and HTTP', async () => {
    // One unmeasured load each first: the measured ones then compare transports, not a cold disk or shader cache.
    await mapFirstFrameMs(`${secureBase}/map`);
    await mapFirstFrameMs(`${plainBase}/map`);
    timings.https.mapFirstFrameMs = await mapFirstFrameMs(`${secureBase}/map`);
    timings.http.mapFirstFrameMs = await mapFirstFrameMs(`${plainBase}/map`);
    const ratio = (key: 'mapFirstFrameMs' | 'callMs') => (timings.https[key] / timings.http[key]).toFixed(2);
    console.log(
      `cost of TLS (this run, same machine): /map first frame ${timings.https.mapFirstFrameMs.toFixed(0)} ms over HTTPS vs ${timings.http.mapFirstFrameMs.toFixed(0)} ms over HTTP (ratio ${ratio('mapFirstFrameMs')}); ` +
        `one-click call to talking ${timings.https.callMs.toFixed(0)} ms vs ${timings.http.callMs.toFixed(0)} ms (ratio ${ratio('callMs')})`,
    );
    expect(timings.https.mapFirstFrameMs).toBeGreaterThan(0);
    expect(timings.http.callMs).toBeGreaterThan(0);
  });
});

/** A standalone backend beyond loopback: HTTPS with its self-signed certificate, trusted by a console with --backend-ca-file. */
describe('a standalone backend over HTTPS', () => {
  let work: string;
  let backend: Host;
  let consoleHost: Host | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-https-backend-e2e-'));
    backend = await startProcess(
      'out/backend/backend.mjs',
      ['--host', '0.0.0.0', '--port', '0', '--server-name', LAN_NAME, '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--sip-server', 'none', '--demo-ptz-cameras', '0'],
      /Zhili backend: (https:\/\/zhili\.test:\d+)/,
      { timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await consoleHost?.stop();
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses an unserved Host with 421 and serves a console that trusts its certificate', async () => {
    const port = new URL(backend.match[1] as string).port;
    const ca = readFileSync(join(work, 'backend', 'backend-tls-cert.pem'), 'utf8');
    expect(await statusFor(`https://127.0.0.1:${port}`, 'evil.example', ca)).toBe(421);
    expect(await statusFor(`https://127.0.0.1:${port}`, `127.0.0.1:${port}`, ca)).toBe(200);
    consoleHost = await startProcess(
      'out/main/web-host.mjs',
      [
        '--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(),
        '--backend-url', `https://127.0.0.1:${port}`,
        '--backend-token-file', await enrolConsole(join(work, 'backend'), 'https-console'),
        '--backend-ca-file', join(work, 'backend', 'backend-tls-cert.pem'),
      ],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    const client = await connectHost(consoleHost.match[1] as string);
    try {
      await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the console to reach the backend over wss');
    } finally {
      client.dispose();
    }
  });
});
