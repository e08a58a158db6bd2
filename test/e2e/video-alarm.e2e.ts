import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { handleAlarmsBefore, playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';

/**
 * An alarm pops its cameras onto the wall's reserved tiles (the last row) and the wall reverts when it is handled.
 * The demo city's live feed raises alarms of its own meanwhile: the test handles those, as an operator would, so
 * that its own alarm is the one on the wall.
 */
describe('an alarm pops its cameras onto the video wall', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let page: Page;

  const tiles = (selector = 'li[data-camera]') => page.getByTestId('video-grid').locator(selector).evaluateAll((items) => items.map((item) => item.getAttribute('data-camera')));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-alarm-e2e-'));
    host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir()], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/);
    client = await connectHost(host.match[1] as string);
    browser = await launchChromium();
    page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows the alarm’s nearest cameras on the last row, playing, above the tiles it covers', async () => {
    await page.goto(`${host.match[1] as string}video`);
    await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await expect.poll(async () => (await tiles()).length, { timeout: 15_000 }).toBe(9);
    await expect.poll(async () => {
      await handleAlarmsBefore(client, null);
      return (await tiles('li[data-alarm]')).length;
    }, { timeout: 20_000 }).toBe(0);
    const wall = await tiles();

    // A camera of the city that is not on the wall, and an incident reported right at it.
    const candidates = await call(client, 'cameras.near', { position: [106.5772, 29.5576], count: 30, radiusM: 50_000 });
    const camera = candidates.find((candidate) => !wall.includes(candidate.id));
    if (!camera) throw new Error('no camera off the wall');
    const incident = await call(client, 'incidents.report', {
      type: 'gas-leak',
      title: '测试：燃气泄漏告警',
      severity: 'critical',
      position: camera.position,
      districtAdcode: '500103',
      riskGrade: 'red',
    });

    const banner = page.getByTestId('alarm-banner');
    await expect.poll(async () => {
      await handleAlarmsBefore(client, incident.id);
      return banner.getAttribute('data-incident');
    }, { timeout: 20_000 }).toBe(incident.id);
    await expect.poll(() => tiles(`li[data-alarm="${incident.id}"]`), { timeout: 15_000 }).toContain(camera.id);
    const popped = await tiles(`li[data-alarm="${incident.id}"]`);
    expect(popped.length).toBeGreaterThanOrEqual(1);
    expect(popped.length).toBeLessThanOrEqual(3);
    // The cameras above the reserved row stay as they were.
    expect((await tiles()).slice(0, 9 - popped.length)).toEqual(wall.slice(0, 9 - popped.length));
    expect(await banner.textContent()).toContain('测试：燃气泄漏告警');
    await expect.poll(async () => (await playingCameras(page)).includes(camera.id), { timeout: 30_000 }).toBe(true);
  });

  it('reverts to the tiles it covered once the operator has handled it', async () => {
    await page.getByTestId('alarm-acknowledge').click();
    await expect.poll(async () => {
      await handleAlarmsBefore(client, null);
      return tiles();
    }, { timeout: 20_000 }).toEqual(await call(client, 'cameras.group', { group: { siteTypes: ['cross-river-bridge', 'gas-station', 'crowded-place'], grades: ['red', 'orange'] }, count: 9 }).then((list) => list.map((entry) => entry.id)));
    expect(await page.getByTestId('alarm-banner').count()).toBe(0);
    await expect.poll(async () => (await playingCameras(page)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  });
});
