/** What the map bench's page (bench/map/main.ts) and its runner (bench/map.bench.ts) exchange through `window.__mapBench`. */

export type Approach = 'ours' | 'baseline';
export type ViewName = 'city' | 'district' | 'street';
export type Mode = 'draw' | 'tick';

/** The page's query string, as the runner writes it. */
export interface RunParams {
  readonly approach: Approach;
  /** Where the page opens. */
  readonly view: ViewName;
  readonly mode: Mode;
  /** Ours only: the engine's `componentsMinZoom` (absent = the engine's default). */
  readonly minZoom?: number;
  /** Baseline only: stop after this many points (to find the largest size the naive way manages). */
  readonly limit?: number;
  /** Tick mode: how many vehicles the synthesised fleet has. */
  readonly vehicles?: number;
}

/** One change (a pan, a tick, a jump to another view) and what it cost. */
export interface StepTime {
  /** From the change to its frame on screen (see each call for which frame). */
  readonly ms: number;
  /** Main-thread ms until the map settled: the change itself plus animation-frame callbacks (GPU waits excluded). */
  readonly busy: number;
  /** Frames the map rendered until it settled. */
  readonly frames: number;
}

export interface MapBenchPage {
  state: 'loading' | 'ready' | 'failed';
  /** Which step failed, and why. */
  error: string | null;
  /** Where the page is, for a runner that gives up waiting. */
  progress: string;
  renderer: string;
  /** Components (or vehicles) drawn once ready. */
  points: number;
  /** Draw mode: from navigation start (before any data is fetched) to the first frame on screen with everything drawn. */
  firstFrameMs: number | null;
  /** Frames the map rendered up to that one (ours draws chunks as they arrive). */
  firstFrameRenders: number;
  /** Jumps to a view; timed to the first frame on screen with everything drawn there (the map idle and settled). */
  visit(view: ViewName): Promise<StepTime>;
  /** Up to `steps` programmatic pans, each timed to the first frame on screen after it; stops early past `budgetMs`. */
  pan(steps: number, budgetMs: number): Promise<StepTime[]>;
  /** Tick mode: `ticks` feed ticks moving every vehicle, each timed to the first frame on screen after it. */
  tick(ticks: number): Promise<StepTime[]>;
}

declare global {
  interface Window {
    __mapBench?: MapBenchPage;
  }
}
