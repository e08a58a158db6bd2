import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { runToExit, startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { signedInPage } from '../helpers/identity.js';

// A 1x1 opaque PNG: what a customer's XYZ tile server answers, as far as the map is concerned.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC', 'base64');

/** A customer basemap configured with --basemap: the map fetches its tiles, the CSP lets exactly that origin in. */
describe('customer basemap', () => {
  let work: string;
  let tiles: Server;
  const tileRequests: string[] = [];
  let tileOrigin: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let browser: Browser;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-basemap-e2e-'));
    tiles = createServer((request, response) => {
      tileRequests.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' });
      response.end(TILE);
    });
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    tileOrigin = `http://127.0.0.1:${(tiles.address() as AddressInfo).port}`;
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--basemap', `${tileOrigin}/wmts/{z}/{x}/{y}.png`],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await new Promise<void>((resolve) => tiles?.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  it('draws the raster tiles under the city overlays, with the tile origin allowed by the CSP and nothing else', async () => {
    const base = host.match[1] as string;
    const csp = (await fetch(`${base}map`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${tileOrigin}`);
    expect(csp).toContain("script-src 'self';");
    const page = await signedInPage(browser, base, { viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}map`);
    await expect.poll(() => page.getByTestId('map').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    await expect.poll(() => tileRequests.filter((url) => /^\/wmts\/\d+\/\d+\/\d+\.png$/.test(url)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses a basemap it cannot draw at start, saying what to give instead', async () => {
    const result = await runToExit('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'refused'), '--city-dir', testCityDir(), '--basemap', 'https://tiles.example/chongqing.pmtiles']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/PMTiles/);
  });
});
