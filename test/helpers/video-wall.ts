import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { TEST_CAMERAS_CENTRE } from './ffmpeg-cameras.js';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { call } from './host-client.js';

/**
 * The cameras whose tile is really playing: its <video> has decoded frames and its clock moved forward over
 * `windowMs`. A status label alone could lie; this reads the media element itself.
 */
export function playingCameras(page: Page, windowMs = 1200): Promise<string[]> {
  return page.evaluate(async (wait) => {
    const tiles = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="video-grid"] li[data-camera]'));
    const videos = tiles.map((tile) => tile.querySelector('video'));
    const before = videos.map((video) => video?.currentTime ?? 0);
    await new Promise((resolve) => setTimeout(resolve, wait));
    return tiles
      .filter((_tile, index) => {
        const video = videos[index];
        return video !== null && video !== undefined && video.currentTime > (before[index] ?? 0) && video.getVideoPlaybackQuality().totalVideoFrames > 0;
      })
      .map((tile) => tile.dataset.camera ?? '');
  }, windowMs);
}

/**
 * Handles, as an operator would, the alarms waiting on the wall ahead of `keep` (all of them when `keep` is null): the
 * demo city's live feed raises alarms of its own during a test, and their cameras would cover the wall's last row.
 */
export async function handleAlarmsBefore(client: WebSocketBridge, keep: string | null): Promise<void> {
  for (const alarm of (await call(client, 'shared.get', {})).alarms) {
    if (alarm.incidentId === keep) return;
    await call(client, 'alarms.acknowledge', { incidentId: alarm.incidentId });
  }
}

/**
 * Opens the video window at `baseUrl`, registers an incident among the test cameras and focuses it, on a layout of
 * `tiles`; returns the grid once it shows that incident's cameras.
 */
export async function focusIncidentAmongTestCameras(page: Page, baseUrl: string, client: WebSocketBridge, title: string, tiles: 4 | 16): Promise<Locator> {
  await page.goto(`${baseUrl}video`);
  await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
  const incident = await call(client, 'incidents.report', {
    type: 'road-collapse',
    title,
    severity: 'major',
    position: TEST_CAMERAS_CENTRE,
    districtAdcode: '500103',
    riskGrade: null,
  });
  await call(client, 'shared.focusIncident', { incidentId: incident.id });
  await page.getByTestId(`video-layout-${tiles}`).click();
  const grid = page.getByTestId('video-grid');
  await expect.poll(() => grid.getAttribute('data-incident'), { timeout: 15_000 }).toBe(incident.id);
  return grid;
}
