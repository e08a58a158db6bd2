/**
 * Main-thread time spent in animation-frame callbacks (where maplibre renders, deck.gl draws and the engine re-layers),
 * installed before maplibre, deck.gl or the engine load so every callback they schedule passes through it. The time
 * the bench itself waits on the GPU (its readPixels) is taken out with `excludeFromBusy`.
 */
let busyMs = 0;
let excludedMs = 0;
const nativeRequestAnimationFrame = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback: FrameRequestCallback): number =>
  nativeRequestAnimationFrame((time) => {
    const started = performance.now();
    try {
      callback(time);
    } finally {
      busyMs += performance.now() - started;
    }
  });

/** Main-thread milliseconds in animation-frame callbacks so far, GPU waits excluded. */
export function frameBusyMs(): number {
  return busyMs - excludedMs;
}

export function excludeFromBusy(ms: number): void {
  excludedMs += ms;
}
