import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { adminPasswordFile, signedInContext, signInBridge, TEST_ADMIN, TEST_ADMIN_PASSWORD } from '../helpers/identity.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';

const MAP_READY_MS = 45_000;

/**
 * Signing in from the browser, as a newcomer, an operator, a crew phone and a wall screen would: the start-up link,
 * the sign-in view, the lock strip, and device enrolment from Settings with revocation.
 */
describe('sign-in in Chromium', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let base: URL;
  let startLink: string;
  let browser: Browser;
  let client: WebSocketBridge;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-e2e-sign-in-'));
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--admin-password-file', adminPasswordFile(work)],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)(#code=[\w-]+)/,
    );
    base = new URL(host.match[1] as string);
    startLink = `${host.match[1] as string}${host.match[2] as string}`;
    browser = await launchChromium();
    client = await connectHost(base.toString());
    await signInBridge(client);
  });

  // Each map page renders with llvmpipe on a shared 2-core machine: none outlives its test.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const watch = (page: Page): Page => {
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  };

  /** A fresh browser profile: no cookie, nobody signed in. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    contexts.push(context);
    return watch(await context.newPage());
  }

  async function adminPage(path: string): Promise<Page> {
    const context = await signedInContext(browser, base.toString(), { viewport: { width: 1400, height: 850 } });
    contexts.push(context);
    const page = watch(await context.newPage());
    await page.goto(new URL(path, base).toString());
    return page;
  }

  const mapReady = (page: Page) => expect.poll(() => page.getByTestId('map').getAttribute('data-state'), { timeout: MAP_READY_MS }).toBe('ready');

  async function reportIncident(title: string): Promise<string> {
    const incident = await call(client, 'incidents.report', { type: 'gas-leak', title, severity: 'major', position: [106.5772, 29.5576], districtAdcode: '500103', riskGrade: 'orange' });
    return incident.id;
  }

  it('signs a fresh browser in with the printed link, once; used again it is refused plainly', async () => {
    const page = await freshPage();
    await page.goto(startLink);
    await expect.poll(() => page.getByTestId('session-name').textContent(), { timeout: 15_000 }).toBe(TEST_ADMIN);
    expect(page.url()).not.toContain('#code');
    await mapReady(page);
    await expect.poll(() => page.getByTestId('session-roles').textContent()).toContain('管理员');

    const again = await freshPage();
    await again.goto(startLink);
    await expect.poll(() => again.getByTestId('sign-in-error').getAttribute('data-problem'), { timeout: 15_000 }).toBe('link-used');
    expect(await again.getByTestId('sign-in-error').textContent()).toContain('此链接已使用');
    expect(await again.getByTestId('sign-in').isVisible()).toBe(true);
    expect(again.url()).not.toContain('#code');
  });

  it('shows a fresh browser the sign-in view, refuses a wrong password, and lets the right one reach the map', async () => {
    const page = await freshPage();
    await page.goto(new URL('/map', base).toString());
    await page.getByTestId('sign-in-username').fill(TEST_ADMIN);
    await page.getByTestId('sign-in-password').fill('not-the-password');
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('sign-in-error').getAttribute('data-problem'), { timeout: 15_000 }).toBe('wrong-password');
    expect(await page.getByTestId('map').count()).toBe(0);

    await page.getByTestId('sign-in-password').fill(TEST_ADMIN_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('session-name').textContent(), { timeout: 15_000 }).toBe(TEST_ADMIN);
    await mapReady(page);

    // A reload keeps the session (the cookie); signing out returns to the sign-in view.
    await page.reload();
    await expect.poll(() => page.getByTestId('session-name').textContent(), { timeout: 15_000 }).toBe(TEST_ADMIN);
    await page.getByTestId('sign-out').click();
    await expect.poll(() => page.getByTestId('sign-in').isVisible(), { timeout: 15_000 }).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('sign-in').isVisible(), { timeout: 15_000 }).toBe(true);
  });

  it('locks: the wall stays, commands are refused in every window of the session, the password unlocks', async () => {
    const incidentId = await reportIncident('测试：锁屏时的事件');
    const page = await adminPage('/map');
    const second = watch(await page.context().newPage());
    await second.goto(new URL('/map', base).toString());
    await mapReady(page);
    const incident = page.locator(`[data-testid="incident-picker"] button[data-incident="${incidentId}"]`);
    await expect.poll(() => incident.count(), { timeout: 15_000 }).toBe(1);

    await page.keyboard.press('Alt+K');
    await expect.poll(() => page.getByTestId('lock-strip').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => second.getByTestId('lock-strip').isVisible(), { timeout: 10_000 }).toBe(true);

    await incident.click();
    // The window refuses the action itself while locked (the host would too) and says why in its own notices.
    await expect.poll(() => page.getByTestId('notice').last().textContent(), { timeout: 10_000 }).toContain('屏幕已锁定');
    expect(await incident.getAttribute('aria-pressed')).toBe('false');
    // The wall is still there behind the strip.
    expect(await page.getByTestId('map').getAttribute('data-state')).toBe('ready');
    expect(await page.locator('.maplibregl-canvas').isVisible()).toBe(true);

    await page.getByTestId('unlock-password').fill('not-the-password');
    await page.getByTestId('unlock').click();
    await expect.poll(() => page.getByTestId('sign-in-error').getAttribute('data-problem'), { timeout: 10_000 }).toBe('wrong-password');
    expect(await page.getByTestId('lock-strip').isVisible()).toBe(true);

    await page.getByTestId('unlock-password').fill(TEST_ADMIN_PASSWORD);
    await page.getByTestId('unlock').click();
    await expect.poll(() => page.getByTestId('lock-strip').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => second.getByTestId('lock-strip').count(), { timeout: 10_000 }).toBe(0);
    await incident.click();
    await expect.poll(() => incident.getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('refusal').count()).toBe(0);
    await call(client, 'shared.focusIncident', { incidentId: null });
  });

  it('enrols a crew phone from Settings with the link shown, and revoking it sends the phone back to the enrol note', async () => {
    // Settings from the plans screen: no map to render meanwhile.
    const admin = await adminPage('/plans');
    await admin.getByTestId('settings-open').click();
    // The crews come from the directory once Settings opens.
    await expect.poll(() => admin.getByTestId('issue-crew-select').inputValue(), { timeout: 15_000 }).toMatch(/^CR\d{4}$/);
    const crewId = await admin.getByTestId('issue-crew-select').inputValue();
    await admin.getByTestId('issue-crew').click();
    const link = (await admin.getByTestId('enrolment-link').textContent({ timeout: 15_000 })) ?? '';
    expect(link).toMatch(new RegExp(`^${base.origin}/crew#code=[\\w-]+$`));
    expect(await admin.getByTestId('enrolment-qr').isVisible()).toBe(true);
    const credentialId = await admin.getByTestId('enrolment').getAttribute('data-credential');
    const row = admin.locator(`[data-testid="credential"][data-credential="${credentialId}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('pending');

    const phone = await freshPage();
    await phone.goto(new URL('/crew', base).toString());
    await expect.poll(() => phone.getByTestId('crew-enrol').textContent(), { timeout: 15_000 }).toContain('二维码');
    await phone.goto(link);
    await expect.poll(() => phone.getByTestId('crew-terminal').getAttribute('data-crew'), { timeout: 15_000 }).toBe(crewId);
    expect(phone.url()).toBe(`${base.origin}/crew`);
    // A reload keeps the enrolment (the cookie lasts until revoked).
    await phone.reload();
    await expect.poll(() => phone.getByTestId('crew-terminal').getAttribute('data-crew'), { timeout: 15_000 }).toBe(crewId);

    // Settings lists it as used now; revoking it reaches the phone at once.
    await admin.keyboard.press('Escape');
    await admin.getByTestId('settings-open').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('active');
    await row.getByTestId('credential-revoke').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('revoked');
    await expect.poll(() => phone.getByTestId('crew-enrol').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await phone.getByTestId('crew-terminal').count()).toBe(0);
  });

  it('shows a wall screen enrolled from Settings the map, view only: a command is refused', async () => {
    const incidentId = await reportIncident('测试：大屏只看');
    const admin = await adminPage('/plans');
    await admin.getByTestId('settings-open').click();
    await admin.getByTestId('issue-screen-label').fill('Wall 1');
    await admin.getByTestId('issue-screen-page').selectOption('map');
    await admin.getByTestId('issue-screen').click();
    const link = (await admin.getByTestId('enrolment-link').textContent({ timeout: 15_000 })) ?? '';
    expect(link).toMatch(new RegExp(`^${base.origin}/map#code=[\\w-]+$`));

    const screen = await freshPage();
    await screen.goto(link);
    await expect.poll(() => screen.getByTestId('view-only').textContent(), { timeout: 15_000 }).toContain('Wall 1');
    await mapReady(screen);
    expect(await screen.getByTestId('settings-open').count()).toBe(0);
    const incident = screen.locator(`[data-testid="incident-picker"] button[data-incident="${incidentId}"]`);
    await expect.poll(() => incident.count(), { timeout: 15_000 }).toBe(1);
    await incident.click();
    // A view-only screen's window refuses the action itself (the host would too) and says why in its notices.
    await expect.poll(() => screen.getByTestId('notice').last().textContent(), { timeout: 10_000 }).toContain('大屏终端仅供查看');
    expect(await incident.getAttribute('aria-pressed')).toBe('false');
  });

  it('threw nothing in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
