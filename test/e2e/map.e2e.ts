import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CityManifestSchema, componentDetail, decodeComponentChunk, GridCellsSidecarSchema } from '../../src/shared/city/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { startProcess } from '../helpers/processes.js';
import { MAP_TEST_CITY_COMPONENTS, mapTestCityDir } from '../helpers/test-city.js';
import { signInCookie, signedInPage } from '../helpers/identity.js';

/**
 * 一屏通览 end to end: a web host on the million-component city, the map window in Chromium (llvmpipe WebGL), with
 * the embedded backend's live feed. Everything is found and clicked as an operator would.
 */
describe('the situational map', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let base: URL;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  const problems: string[] = [];
  const cityDir = mapTestCityDir();

  /** A real component of the build, read from its chunk the way the map reads it: the one the test will pick. */
  function componentOfYuzhong(): { code: string; subclass: string } {
    const manifest = CityManifestSchema.parse(JSON.parse(readFileSync(join(cityDir, 'manifest.json'), 'utf8')));
    const sidecar = GridCellsSidecarSchema.parse(JSON.parse(readFileSync(join(cityDir, manifest.grid.sidecarPath), 'utf8')));
    const entry = manifest.components.chunks.find((chunk) => chunk.districtAdcode === '500103');
    if (!entry) throw new Error('no 渝中区 chunk in the test city');
    const bytes = readFileSync(join(cityDir, entry.path));
    const chunk = decodeComponentChunk(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const detail = componentDetail(chunk, Math.floor(chunk.header.count / 2), sidecar);
    return { code: detail.code, subclass: detail.subclass.zh };
  }

  const map = () => page.getByTestId('map');
  const canvasCentre = async () => {
    const box = await page.locator('.maplibregl-canvas').boundingBox();
    if (!box) throw new Error('no map canvas');
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  // Only after a move: the map is marked busy when a move starts, and idle again once it has drawn everything.
  const waitIdle = () => expect.poll(() => map().getAttribute('data-idle'), { timeout: 60_000 }).toBe('true');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-map-e2e-'));
    host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', cityDir], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/);
    base = new URL(host.match[1] as string);
    browser = await launchChromium();
    // Reduced motion: alarms do not pulse, so llvmpipe redraws only when something changes.
    page = await signedInPage(browser, base.href, { viewport: { width: 1600, height: 900 }, reducedMotion: 'reduce' });
    page.on('request', (request) => {
      const target = new URL(request.url());
      if (!['data:', 'blob:'].includes(target.protocol) && target.host !== base.host) foreignRequests.push(request.url());
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves the files the city manifest lists as bytes, revalidated by tag, and nothing else under /city/, to signed-in callers', async () => {
    expect((await fetch(new URL('/city/manifest.json', base))).status).toBe(401);
    const signedIn = { Cookie: `zhili_session=${await signInCookie(base.href)}` };
    const manifest = CityManifestSchema.parse(await (await fetch(new URL('/city/manifest.json', base), { headers: signedIn })).json());
    const chunk = manifest.components.chunks[0];
    if (!chunk) throw new Error('no chunk');
    const first = await fetch(new URL(`/city/${chunk.path}`, base), { headers: signedIn });
    expect(first.status).toBe(200);
    expect((await first.arrayBuffer()).byteLength).toBe(chunk.byteLength);
    const tag = first.headers.get('etag') ?? '';
    expect((await fetch(new URL(`/city/${chunk.path}`, base), { headers: { ...signedIn, 'If-None-Match': tag } })).status).toBe(304);
    for (const path of ['/city/../package.json', '/city/%2e%2e/package.json', '/city/logs/web-host.log', '/city/components/', '/city/%E0%A4%A']) {
      expect([400, 404], path).toContain((await fetch(new URL(path, base), { headers: signedIn })).status);
    }
  });

  it('draws districts, grid cells, a million components and live vehicles', async () => {
    await page.goto(new URL('/map', base).toString());
    await expect.poll(() => map().getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    await expect.poll(() => map().getAttribute('data-components'), { timeout: 120_000 }).toBe(String(MAP_TEST_CITY_COMPONENTS));
    const chunks = await map().getAttribute('data-chunks-loaded');
    expect(chunks?.split('/')[0]).toBe(chunks?.split('/')[1]);
    // The feed's ticks reach the map (vehicles and crews move with them).
    const firstSeq = Number(await map().getAttribute('data-feed-seq'));
    await expect.poll(async () => Number(await map().getAttribute('data-feed-seq')), { timeout: 10_000 }).toBeGreaterThan(firstSeq);

    await page.keyboard.press('Alt+C');
    const catalogue = page.getByTestId('layer-catalogue');
    await expect.poll(async () => Number((await catalogue.locator('[data-layer="districts"]').textContent())?.replace(/\D+/g, ''))).toBeGreaterThanOrEqual(38);
    expect(Number((await catalogue.locator('[data-layer="grid"]').textContent())?.replace(/\D+/g, ''))).toBeGreaterThan(60_000);
    expect(Number((await catalogue.locator('[data-layer="vehicles:sweeper"]').textContent())?.replace(/\D+/g, ''))).toBeGreaterThan(0);
    // Every component is counted under its subclass once its chunk is in.
    const subclassCounts = await catalogue.locator('[data-layer^="components:"]').allTextContents();
    expect(subclassCounts.reduce((sum, text) => sum + Number(text.replace(/\D+/g, '').slice(-7) || 0), 0)).toBeGreaterThan(0);
  });

  it('finds a component by its code, picks it on the map and shows its detail panel', async () => {
    const component = componentOfYuzhong();
    const search = page.getByRole('search').locator('input');
    await search.fill(component.code);
    await expect.poll(() => page.getByTestId('map-search-hits').textContent()).toContain(component.code);
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('object-detail').getAttribute('data-kind')).toBe('component');
    // The search flies to the component at street zoom; wait until the map has come to rest there.
    await expect.poll(async () => Number(await map().getAttribute('data-zoom')), { timeout: 60_000 }).toBeGreaterThan(17.9);
    await waitIdle();
    // Clear the search's selection, then pick the component where the map now centres it.
    await page.getByTestId('object-detail').getByRole('button', { name: '关闭详情' }).click();
    await expect.poll(() => page.getByTestId('object-detail').count()).toBe(0);
    const centre = await canvasCentre();
    await page.mouse.click(centre.x, centre.y);
    const detail = page.getByTestId('object-detail');
    await expect.poll(() => detail.getAttribute('data-kind'), { timeout: 15_000 }).toBe('component');
    await expect.poll(() => detail.textContent()).toContain(component.code);
    expect(await detail.textContent()).toContain(component.subclass);
    expect(await detail.textContent()).toMatch(/所在网格\d{15}/);
  });

  it('hides the components with the catalogue, so the same click now picks the grid cell beneath', async () => {
    const catalogue = page.getByTestId('layer-catalogue');
    await catalogue.locator('[data-system="components"] .catalogue-system input[type="checkbox"]').uncheck();
    const centre = await canvasCentre();
    // The map redraws without the components on its next frames (seconds on llvmpipe): pick until it has.
    await expect
      .poll(
        async () => {
          await page.keyboard.press('Escape');
          // The pick must open a panel of its own, not read the one Escape is closing.
          await page.getByTestId('object-detail').waitFor({ state: 'detached', timeout: 5_000 });
          await page.mouse.click(centre.x, centre.y);
          return page.getByTestId('object-detail').getAttribute('data-kind', { timeout: 5_000 }).catch(() => null);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('grid-cell');
    await catalogue.locator('[data-system="components"] .catalogue-system input[type="checkbox"]').check();
  });

  it('shows map content on screen (not a blank canvas), and nothing left the machine', async () => {
    // The components shown again by the last test are redrawn over seconds on llvmpipe, with no move to wait on: the
    // screen is read until it shows the content.
    const distinctColours = async () => {
      const png = await page.locator('.maplibregl-canvas').screenshot();
      // Count distinct colours on a lattice of the screenshot, in the page (it decodes PNG; Node alone does not).
      return page.evaluate(async (base64) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d');
        if (!context) return 0;
        context.drawImage(image, 0, 0);
        const colours = new Set<string>();
        for (let y = 0; y < image.height; y += 7) {
          for (let x = 0; x < image.width; x += 7) colours.add(context.getImageData(x, y, 1, 1).data.slice(0, 3).join(','));
        }
        return colours.size;
      }, png.toString('base64'));
    };
    await expect.poll(distinctColours, { timeout: 60_000, interval: 1000 }).toBeGreaterThan(200);
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });
});
