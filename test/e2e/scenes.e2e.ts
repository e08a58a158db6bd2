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
import { signedInPage } from '../helpers/identity.js';

const roles = ['map', 'video', 'dispatch', 'plans'] as const;
type Role = (typeof roles)[number];

/**
 * Scenes on a browser-driven wall: four windows on the four kiosk URLs of one web host, a scene applied from one of
 * them, a plan run putting up the emergency scene and taking it down, windows that come back as they were left, the
 * kiosk tour and the settings screen.
 */
describe('wall scenes, window state, tour and settings', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let base: string;
  let client: WebSocketBridge;
  let browser: Browser;
  const pages = {} as Record<Role, Page>;

  const open = async (path: string): Promise<Page> => {
    const page = await signedInPage(browser, base, { viewport: { width: 1600, height: 900 } });
    await page.goto(`${base}${path}`);
    return page;
  };
  const sceneOf = (page: Page) => page.getByTestId('scene').getAttribute('data-scene');
  /** Milliseconds from now until every window shows `sceneId`. */
  const allShow = async (sceneId: string, since: number) => {
    await Promise.all(roles.map((role) => pages[role].waitForSelector(`[data-testid="scene"][data-scene="${sceneId}"]`, { timeout: 15_000 })));
    return Date.now() - since;
  };
  const layoutOf = (page: Page) => page.getByTestId('video-grid').getAttribute('data-layout');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-scenes-e2e-'));
    host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir()], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/);
    base = host.match[1] as string;
    client = await connectHost(base);
    browser = await launchChromium();
    for (const role of roles) pages[role] = await open(role);
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('a scene chosen on one window changes all four: its name in every header, the video layout and the panels', async () => {
    for (const role of roles) await expect.poll(() => sceneOf(pages[role]), { timeout: 15_000 }).toBe('normal-duty');
    expect(await pages.plans.getByTestId('scene-name').textContent()).toBe('日常值守');
    await expect.poll(() => layoutOf(pages.video), { timeout: 10_000 }).toBe('9');

    // A listener outside the browsers separates the host's part of the latency from the windows' own work.
    let heardAt = 0;
    const unsubscribe = client.subscribe('shared.changed', (shared) => {
      if (shared.scene?.scene.id === 'flood-season' && heardAt === 0) heardAt = Date.now();
    });
    await call(client, 'shared.get', {});
    const chosen = Date.now();
    await pages.map.getByTestId('scene-select').selectOption('flood-season');
    const allAfter = await allShow('flood-season', chosen);
    unsubscribe();
    console.log(`scenes: a scene chosen on the map window reached a listener after ${heardAt - chosen} ms and showed on all four windows after ${allAfter} ms`);
    for (const role of roles) expect(await pages[role].getByTestId('scene-name').textContent()).toBe('汛期');
    await expect.poll(() => layoutOf(pages.video), { timeout: 10_000 }).toBe('16');
    expect(await pages.video.getByTestId('video-grid').getAttribute('data-source')).toBe('group');
    // The flood group: cameras at waterlogging points, slopes and bridges, the most serious sites first.
    expect(await pages.video.getByTestId('video-grid').locator('li').count()).toBe(16);
    expect(await pages.dispatch.locator('.dispatch-view').getAttribute('data-panel')).toBe('crews');
    expect(await pages.plans.locator('.plans-view').getAttribute('data-panel')).toBe('library');

    const sent = Date.now();
    await call(client, 'scenes.apply', { sceneId: 'major-event' });
    console.log(`scenes: a scene applied through the API showed on all four windows after ${await allShow('major-event', sent)} ms`);
    await expect.poll(() => layoutOf(pages.video), { timeout: 10_000 }).toBe('4');
    expect(await pages.dispatch.locator('.dispatch-view').getAttribute('data-panel')).toBe('incidents');
    await pages.dispatch.getByTestId('language-toggle').click();
    await expect.poll(() => pages.video.getByTestId('scene-name').textContent()).toBe('Major event');
    await pages.dispatch.getByTestId('language-toggle').click();
    await expect.poll(() => pages.video.getByTestId('scene-name').textContent()).toBe('重大活动');
  });

  it('a window closed and opened again on the same URL comes back as it was left; another screen key keeps its own', async () => {
    await pages.video.getByTestId('video-layout-1').click();
    await expect.poll(() => layoutOf(pages.video)).toBe('1');
    await pages.dispatch.getByTestId('dispatch-tab-crews').click();
    await expect.poll(() => pages.dispatch.locator('.dispatch-view').getAttribute('data-panel')).toBe('crews');
    // Let the saves land before the windows go.
    await expect.poll(async () => (await call(client, 'window.loadState', { role: 'video', screen: 'default' }))?.data, { timeout: 5000 }).toMatchObject({ choice: 1 });
    await expect.poll(async () => (await call(client, 'window.loadState', { role: 'dispatch', screen: 'default' }))?.data, { timeout: 5000 }).toMatchObject({ choice: 'crews' });

    for (const role of ['video', 'dispatch'] as const) {
      await pages[role].close();
      pages[role] = await open(role);
    }
    await expect.poll(() => layoutOf(pages.video), { timeout: 10_000 }).toBe('1');
    expect(await pages.video.getByTestId('video-layout-1').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => pages.dispatch.locator('.dispatch-view').getAttribute('data-panel'), { timeout: 10_000 }).toBe('crews');

    // A second video screen of the same wall has its own state: it shows the scene's layout.
    const left = await open('video?screen=left');
    await expect.poll(() => layoutOf(left), { timeout: 10_000 }).toBe('4');
    await left.close();
    // A bad screen key is said plainly, and that window saves nothing.
    const bad = await open('video?screen=no%20spaces!');
    await expect.poll(() => bad.getByTestId('screen-invalid').textContent(), { timeout: 10_000 }).toContain('no spaces!');
    await bad.close();
  });

  it('starting a plan run puts up the emergency scene on its incident on every window, and its end puts back the scene before', async () => {
    await expect.poll(() => pages.map.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    const incident = await call(client, 'incidents.report', {
      type: 'bridge-strain',
      title: '巡查上报：千厮门嘉陵江大桥伸缩缝异响',
      severity: 'severe',
      position: [106.5793, 29.5667],
      districtAdcode: '500103',
      riskGrade: 'red',
    });
    const started = Date.now();
    const run = await call(client, 'runs.start', { planId: 'bridge-structural-alarm', incidentId: incident.id, mode: 'live' });
    const runId = run.state.runId;
    console.log(`scenes: the emergency scene showed on all four windows ${await allShow('emergency', started)} ms after the run started`);
    for (const role of roles) {
      expect(await pages[role].getByTestId('scene-name').textContent()).toBe('应急处置');
      expect(await pages[role].getByTestId('scene-run').getAttribute('data-run')).toBe(runId);
    }
    // The run's incident is in focus: its cameras on the video window, its console on the dispatch and plans windows.
    await expect.poll(() => pages.video.getByTestId('video-grid').getAttribute('data-incident'), { timeout: 10_000 }).toBe(incident.id);
    expect(await layoutOf(pages.video)).toBe('9');
    expect(await pages.dispatch.locator('.dispatch-view').getAttribute('data-panel')).toBe('run');
    await expect.poll(() => pages.dispatch.getByTestId('run-console').getAttribute('data-run'), { timeout: 10_000 }).toBe(runId);
    await expect.poll(() => pages.plans.getByTestId('run-console').getAttribute('data-run'), { timeout: 10_000 }).toBe(runId);
    expect((await call(client, 'shared.get', {})).focusedIncidentId).toBe(incident.id);

    const ended = Date.now();
    await call(client, 'runs.command', { runId, command: { type: 'abort', reason: '误报，恢复日常' } });
    console.log(`scenes: the scene before the run was back on all four windows ${await allShow('major-event', ended)} ms after the run ended`);
    await expect.poll(() => layoutOf(pages.video), { timeout: 10_000 }).toBe('4');
    for (const role of roles) expect(await pages[role].getByTestId('scene-run').count()).toBe(0);
    expect((await call(client, 'shared.get', {})).scene).toMatchObject({ scene: { id: 'major-event' }, cause: 'run-ended' });
  });

  it('tours roles on one window with a dwell time, and explains a tour URL it cannot run', async () => {
    const tour = await open('tour?roles=video,dispatch&dwell=3');
    await expect.poll(() => tour.getByTestId('tour').getAttribute('data-role'), { timeout: 10_000 }).toBe('video');
    expect(await tour.locator('main').getAttribute('data-role')).toBe('video');
    // The page notes when its role changes, so the dwell is measured in the page, not through the test's polling.
    await tour.evaluate(() => {
      const changes: number[] = [];
      (window as unknown as { tourChanges: number[] }).tourChanges = changes;
      new MutationObserver(() => changes.push(performance.now())).observe(document.querySelector('main') as Element, { attributes: true, attributeFilter: ['data-role'] });
    });
    const changes = () => tour.evaluate(() => (window as unknown as { tourChanges: number[] }).tourChanges);
    await expect.poll(async () => (await changes()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const [first = 0, second = 0] = await changes();
    console.log(`scenes: the tour showed a screen for ${Math.round(second - first)} ms (dwell 3 s)`);
    // Each change is seen when React commits it, which under load lags its timer by a varying few hundred ms: a slow
    // first commit and a quick second make the measured dwell shorter than the timer's (2,851 ms seen on 2 cores).
    expect(second - first).toBeGreaterThan(2500);
    expect(second - first).toBeLessThan(4500);
    await tour.close();

    const wrong = await open('tour?roles=map,radar&dwell=1&speed=2');
    await expect.poll(() => wrong.getByTestId('tour-problems').locator('li').count(), { timeout: 10_000 }).toBe(3);
    const text = await wrong.getByTestId('tour-problems').textContent();
    expect(text).toContain('未知的屏幕');
    expect(text).toContain('"radar"');
    expect(text).toContain('dwell 须在 3 到 3600 秒之间');
    expect(text).toContain('"speed"');
    expect(await wrong.getByTestId('tour').count()).toBe(0);
    await wrong.close();
  });

  it('the settings screen (Alt+S) draws the configured screens, edits the wall and saves it, and saves a scene after refusing a bad one', async () => {
    const page = pages.dispatch;
    await page.keyboard.press('F1');
    expect(await page.locator('.shortcuts').textContent()).toContain('Alt+S');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Alt+KeyS');
    await expect.poll(() => page.getByTestId('displays-source').getAttribute('data-source'), { timeout: 10_000 }).toBe('configured');
    expect(await page.getByTestId('display').count()).toBe(1);
    expect(await page.getByTestId('display').textContent()).toContain('态势地图');

    await page.getByRole('button', { name: '添加屏幕' }).click();
    await page.getByRole('button', { name: '添加屏幕' }).click();
    await expect.poll(() => page.getByTestId('display').count()).toBe(3);
    await page.getByTestId('screen-role-2').selectOption('plans');
    await page.getByTestId('screen-fullscreen-1').check();
    expect(await page.getByTestId('display-picture').textContent()).toContain('预案');
    await page.getByTestId('wall-save').click();
    await expect.poll(() => page.getByTestId('wall-saved').count()).toBe(1);
    const wall = (await call(client, 'settings.get', {})).wall;
    expect(wall.screens.map((screen) => [screen.role, screen.fullscreen])).toEqual([
      ['map', false],
      ['video', true],
      ['plans', false],
    ]);

    await page.getByTestId('scene-id').fill('Night Watch');
    await page.getByTestId('scene-name-zh').fill('夜间值守');
    await page.getByTestId('scene-name-en').fill('Night watch');
    await page.getByTestId('scene-center').fill('106.57');
    await page.getByTestId('scene-save').click();
    const problems = page.getByTestId('scene-problems');
    await expect.poll(() => problems.locator('li').count()).toBeGreaterThanOrEqual(2);
    expect(await problems.locator('[data-path="id"]').count()).toBe(1);
    expect(await problems.locator('[data-path="map.view.center"]').count()).toBe(1);
    expect((await call(client, 'scenes.list', {})).some((entry) => entry.scene.name.zh === '夜间值守')).toBe(false);

    await page.getByTestId('scene-id').fill('night-watch');
    await page.getByTestId('scene-center').fill('106.57, 29.56');
    await page.getByTestId('scene-layout').selectOption('16');
    await page.getByTestId('scene-save').click();
    await expect.poll(() => page.getByTestId('scene-saved').count()).toBe(1);
    const saved = (await call(client, 'scenes.list', {})).find((entry) => entry.scene.id === 'night-watch');
    expect(saved).toMatchObject({ builtin: false, scene: { name: { zh: '夜间值守' }, video: { layoutSize: 16 }, map: { view: { center: [106.57, 29.56] } } } });
    await page.keyboard.press('Escape');
    await page.getByTestId('scene-select').selectOption('night-watch');
    await expect.poll(() => layoutOf(pages.video), { timeout: 10_000 }).toBe('16');
  });
});
