import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { signedInPage } from '../helpers/identity.js';

/**
 * The shell end to end: a standalone backend and a web host as an operator would run them (`npm run backend`,
 * `npm start -- --web --backend-url …`), and Debian's Chromium as the wall screen.
 */
describe('web host shell in Chromium', () => {
  let work: string;
  let backend: Awaited<ReturnType<typeof startProcess>>;
  let backendPort: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let url: URL;
  let browser: Browser;
  const cityDir = testCityDir();

  const startBackend = (port: string) =>
    startProcess('out/backend/backend.mjs', ['--port', port, '--data-dir', join(work, 'backend'), '--city-dir', cityDir], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-e2e-'));
    backend = await startBackend('0');
    backendPort = backend.match[1] as string;
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--web', '--port', '0', '--data-dir', join(work, 'console'), '--city-dir', cityDir, '--backend-url', `http://127.0.0.1:${backendPort}`, '--backend-token-file', await enrolConsole(join(work, 'backend'), 'shell-console')],
      /Zhili web host: (http:\/\/\S+)/,
    );
    url = new URL(host.match[1] as string);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function openPage(path: string, viewport = { width: 1600, height: 900 }): Promise<{ page: Page; foreignRequests: string[]; problems: string[] }> {
    const page = await signedInPage(browser, url.href, { viewport });
    const foreignRequests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      const target = new URL(request.url());
      if (!['data:', 'blob:'].includes(target.protocol) && target.host !== url.host) foreignRequests.push(request.url());
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(new URL(path, url).toString());
    return { page, foreignRequests, problems };
  }

  it('prints one ready line and answers /healthz with the version and the backend state', async () => {
    expect(host.output().match(/^Zhili web host: /gm)).toHaveLength(1);
    await expect
      .poll(async () => ((await (await fetch(new URL('/healthz', url))).json()) as { backend: { state: string } }).backend.state, { timeout: 10_000 })
      .toBe('connected');
    const health = (await (await fetch(new URL('/healthz', url))).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', app: 'zhili', version: '0.1.0', host: 'web', backend: { embedded: false } });
  });

  it('shows the shell in Chinese with the real Chongqing districts, and asks nothing of any other host', async () => {
    const { page, foreignRequests, problems } = await openPage('/map');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('智理城市运行指挥中心');
    await expect.poll(() => page.locator('nav.roles a.active').textContent()).toBe('态势地图');
    await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await expect.poll(() => page.getByTestId('map').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await page.keyboard.press('Alt+C');
    const districts = Number((await page.locator('[data-layer="districts"]').textContent())?.replace(/\D+/g, ''));
    expect(districts).toBeGreaterThanOrEqual(38);
    await expect.poll(() => page.locator('.maplibregl-canvas').count(), { timeout: 15_000 }).toBe(1);
    // The map fills the role area: wall screens show it edge to edge.
    const box = await page.locator('.maplibregl-canvas').boundingBox();
    expect(box?.width).toBeGreaterThan(1500);
    expect(box?.height).toBeGreaterThan(600);
    // Idle once it has fetched and drawn all it was asked to (style, glyphs, tiles): any request elsewhere went out by then.
    await expect.poll(() => page.getByTestId('map').getAttribute('data-idle'), { timeout: 60_000 }).toBe('true');
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches language, keeps the choice in the host, and switches back', async () => {
    const { page, problems } = await openPage('/map');
    await expect.poll(() => page.locator('h1').textContent()).toBe('智理城市运行指挥中心');
    await page.getByTestId('language-toggle').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Zhili City Operations Command Centre');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Zhili City Operations Command Centre');
    await page.keyboard.press('Alt+L');
    await expect.poll(() => page.locator('h1').textContent()).toBe('智理城市运行指挥中心');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the backend going from connected to disconnected when it stops, and back when it restarts', async () => {
    const { page } = await openPage('/dispatch');
    const state = () => page.getByTestId('backend-state').getAttribute('data-state');
    await expect.poll(state, { timeout: 15_000 }).toBe('connected');
    await expect.poll(() => page.getByTestId('crew-list').locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await backend.stop();
    await expect.poll(state, { timeout: 15_000 }).toBe('disconnected');
    await expect.poll(() => page.getByTestId('backend-state').textContent()).toContain('已断开');
    backend = await startBackend(backendPort);
    await expect.poll(state, { timeout: 20_000 }).toBe('connected');
    await expect.poll(() => page.getByTestId('backend-state').textContent()).toContain('已连接');
    await page.close();
  });

  it('opens each role alone at its own path and moves between roles by keyboard', async () => {
    for (const [path, label] of [['/video', '视频墙'], ['/dispatch', '融合调度'], ['/plans', '预案'], ['/map', '态势地图']] as const) {
      const { page, problems } = await openPage(path);
      await expect.poll(() => page.locator('nav.roles a.active').textContent()).toBe(label);
      expect(problems).toEqual([]);
      await page.close();
    }
    const { page } = await openPage('/map');
    await expect.poll(() => page.locator('nav.roles a.active').textContent()).toBe('态势地图');
    await page.keyboard.press('Alt+3');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/dispatch');
    await page.keyboard.press('F1');
    await expect.poll(() => page.getByRole('dialog').textContent()).toContain('Alt+L');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.close();
  });

  /** Where the header's items sit: the role links' tops, every visible control's box, and the header's own. */
  const headerLayout = (page: Page) =>
    page.evaluate(() => {
      const box = (element: Element) => element.getBoundingClientRect();
      const header = document.querySelector('.shell-header') as HTMLElement;
      const controls = Array.from(header.querySelectorAll('a, button, select')).map(box).filter((rect) => rect.width > 0 && rect.height > 0);
      return {
        linkTops: Array.from(header.querySelectorAll('nav.roles a')).map((link) => box(link).top),
        controls: controls.map((rect) => ({ top: rect.top, bottom: rect.bottom, right: rect.right })),
        header: { right: box(header).right, scrollWidth: header.scrollWidth, clientWidth: header.clientWidth },
      };
    });

  it('keeps the header on one line from 1280 to 3840 pixels wide for an administrator, in Chinese and in English', { timeout: 300_000 }, async () => {
    const sizes = [
      [1280, 720],
      [1600, 900],
      [1920, 1080],
      [3840, 2160],
    ] as const;
    for (const language of ['zh-CN', 'en']) {
      for (const [width, height] of sizes) {
        const { page, problems } = await openPage('/plans', { width, height });
        await expect.poll(() => page.getByTestId('session-user').count(), { timeout: 15_000 }).toBe(1);
        if ((await page.locator('html').getAttribute('lang')) !== language) await page.keyboard.press('Alt+L');
        await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(language);
        // The administrator holds every role: the longest list of roles and every tool in the header.
        await expect.poll(() => page.getByTestId('session-roles').textContent()).toContain(language === 'en' ? 'Administrator' : '管理员');
        await expect.poll(() => page.getByTestId('scene-name').count(), { timeout: 10_000 }).toBe(1);
        const layout = await headerLayout(page);
        const where = `${language} at ${width}x${height}`;
        expect(layout.linkTops, where).toHaveLength(4);
        expect(Math.max(...layout.linkTops) - Math.min(...layout.linkTops), where).toBeLessThanOrEqual(2);
        // One row: every visible control crosses the role links' middle line, and none sticks out on the right.
        const row = (layout.linkTops[0] as number) + 10;
        for (const control of layout.controls) {
          expect(control.top, where).toBeLessThan(row);
          expect(control.bottom, where).toBeGreaterThan(row);
          expect(control.right, where).toBeLessThanOrEqual(layout.header.right);
        }
        expect(layout.header.scrollWidth, where).toBeLessThanOrEqual(layout.header.clientWidth);
        expect(problems, where).toEqual([]);
        await page.context().close();
      }
    }
    // Back to Chinese for the tests after this one (the language is kept by the host).
    const { page } = await openPage('/plans');
    await expect.poll(() => page.locator('html').getAttribute('lang'), { timeout: 15_000 }).toBe('en');
    await page.keyboard.press('Alt+L');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.context().close();
  });

  it('reaches every folded tool of a 1280-pixel header by mouse and by keyboard', async () => {
    const { page } = await openPage('/plans', { width: 1280, height: 720 });
    const tools = page.getByTestId('header-tools');
    await expect.poll(() => page.getByTestId('session-user').count(), { timeout: 15_000 }).toBe(1);
    expect(await tools.isVisible()).toBe(false);
    await page.getByTestId('header-more').click();
    await expect.poll(() => page.getByTestId('settings-open').isVisible()).toBe(true);
    await page.getByTestId('settings-open').click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(1);
    expect(await tools.isVisible()).toBe(false);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    await page.getByTestId('header-more').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => tools.isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="header-tools"]') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => tools.isVisible()).toBe(false);
    await page.context().close();
  });

  it('shows no horizontal scroll bar on any main view at 1280x720', { timeout: 240_000 }, async () => {
    const shown = { map: 'map', video: 'video-grid', dispatch: 'crew-list', plans: 'incident-plans' } as const;
    for (const [role, testId] of Object.entries(shown)) {
      const { page } = await openPage(`/${role}`, { width: 1280, height: 720 });
      await expect.poll(() => page.getByTestId(testId).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      if (role === 'map') await expect.poll(() => page.getByTestId('map').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
      await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        body: document.body.scrollWidth - document.body.clientWidth,
      }));
      expect(widths, role).toEqual({ page: 0, body: 0 });
      await page.context().close();
    }
  });

  it('credits the data sources and marks synthetic data in the About panel', async () => {
    const { page } = await openPage('/map');
    await expect.poll(() => page.locator('h1').textContent()).toBe('智理城市运行指挥中心');
    await page.keyboard.press('Alt+I');
    await expect.poll(() => page.getByTestId('sources').locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(2);
    const text = await page.getByTestId('sources').textContent();
    expect(text).toContain('echarts');
    expect(text).toContain('合成数据');
    await page.close();
  });
});
