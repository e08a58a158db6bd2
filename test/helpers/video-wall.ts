import type { Page } from 'playwright-core';

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
