/**
 * Put into a /map page of the TLS bench before the app loads: marks the first frame with the whole map drawn, the
 * basemap settled (the map's element `data-idle="true"`, as the e2e tests wait for it) and every component chunk
 * loaded (`data-chunks-loaded` n/n). That frame is the next one after both hold: the mark is taken in an animation
 * frame callback queued after the map's own redraw, and forced through the GPU with a 1-pixel readPixels as the map
 * bench times its frames (on llvmpipe a frame queued is not yet a frame on screen). Times are performance.now(), from
 * the navigation's start, so the bench's own round trips stay out of them.
 */
const mark = { firstFrameAt: null as number | null };

function readOnePixel(): void {
  const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="map"] canvas.maplibregl-canvas');
  // The map's own context: getContext gives back the one it was created with (WebGL2 for maplibre 5).
  const gl = canvas?.getContext('webgl2') ?? canvas?.getContext('webgl');
  gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
}

function everythingLoaded(): boolean {
  const map = document.querySelector<HTMLElement>('[data-testid="map"]');
  const [loaded, total] = (map?.dataset.chunksLoaded ?? '0/0').split('/').map(Number);
  return map?.dataset.idle === 'true' && total !== undefined && total > 0 && loaded === total;
}

const observer = new MutationObserver(() => {
  if (!everythingLoaded()) return;
  observer.disconnect();
  requestAnimationFrame(() => {
    readOnePixel();
    mark.firstFrameAt = performance.now();
  });
});
// The document exists before any script of the page runs; the map's element comes later, anywhere under it.
observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-idle', 'data-chunks-loaded'] });

Object.assign(window, { mapFrameMark: mark });
