/**
 * The one-click call as the benchmarks time it, between a dispatch window and a crew terminal (`/crew?autoAnswer=1`)
 * open in Chromium: click on 语音 to the far end ringing, and to sound arriving on both sides, read by the probe
 * (peer-probe.ts) each page carries. Shared by the dispatch bench (ours against bare sip.js) and the TLS bench
 * (HTTPS against HTTP), so both time the same thing the same way.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { percentile } from '../../src/shared/dispatch/call-record.js';
import { waitUntil } from '../../test/helpers/wait.js';

/** Milliseconds per call, one entry per call placed. */
export interface CallTimes {
  /** Click to the far end ringing. */
  ringing: number[];
  /** Click to sound arriving on both sides (the later of the two). */
  media: number[];
  /** Click to the INVITE leaving the caller's page. */
  sent: number[];
  /** The INVITE reaching the callee to it ringing there. */
  shown: number[];
}

export const noCallTimes = (): CallTimes => ({ ringing: [], media: [], sent: [], shown: [] });

/** A browser-side script under bench/ (`dispatch/bare-call.ts`), bundled for an init script or a script tag. */
export async function bundleBrowserScript(path: string): Promise<string> {
  const built = await build({ entryPoints: [join(import.meta.dirname, '..', path)], bundle: true, format: 'iife', write: false, platform: 'browser', target: 'chrome120' });
  return built.outputFiles[0]?.text ?? '';
}

/** peer-probe.ts, put into every page of a call before the app loads (`context.addInitScript({ content })`). */
export const bundlePeerProbe = (): Promise<string> => bundleBrowserScript('dispatch/peer-probe.ts');

interface Probe {
  mediaAt: number | null;
  inviteSentAt: number | null;
  inviteReceivedAt: number | null;
}

/** Starts the page's probe watching for the next call's first sound (and resets its INVITE marks). */
export const watchMedia = (page: Page): Promise<void> =>
  page.evaluate(() => void (window as unknown as { benchProbe: { watchMedia(): Promise<void> } }).benchProbe.watchMedia());

const probeOf = (page: Page): Promise<Probe> => page.evaluate(() => ({ ...(window as unknown as { benchProbe: { probe: Probe } }).benchProbe.probe }));

/** When sound arrived on the page (Date.now() there), waiting for it. */
export async function mediaArrival(page: Page): Promise<number> {
  return (await waitUntil(async () => (await probeOf(page)).mediaAt, (at) => at !== null, 'sound to arrive', 15_000)) as number;
}

/** Records a call that started at `startedAt` and rang at `ringAt` into `into`, split by the INVITE marks. */
export async function recordCall(into: CallTimes, caller: Page, callee: Page, marks: { startedAt: number; ringAt: number; mediaAt: readonly number[] }): Promise<void> {
  const [sentFrom, receivedBy] = [await probeOf(caller), await probeOf(callee)];
  into.ringing.push(marks.ringAt - marks.startedAt);
  into.media.push(Math.max(...marks.mediaAt) - marks.startedAt);
  into.sent.push((sentFrom.inviteSentAt ?? NaN) - marks.startedAt);
  into.shown.push(marks.ringAt - (receivedBy.inviteReceivedAt ?? NaN));
}

/**
 * One click on the first 语音 button of the dispatch window's crew list (the caller has already narrowed the list to
 * the crew), timed to the terminal ringing and to sound both ways, then hung up from the console and waited out on
 * both sides so the next call starts from rest.
 */
export async function oneClickCall(dispatch: Page, terminal: Page, into: CallTimes): Promise<void> {
  // Ringing is when the terminal first shows the call, seen by an observer in the page rather than a poll from here.
  await terminal.evaluate(() => {
    const marks = window as unknown as { ringAt: number | null };
    marks.ringAt = null;
    const observer = new MutationObserver(() => {
      if (marks.ringAt === null && document.querySelector('[data-testid="incoming"], [data-testid="calls"] li')) {
        marks.ringAt = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await Promise.all([watchMedia(dispatch), watchMedia(terminal)]);
  // Clicked from inside the page, so that the start mark is taken where the click happens, with no round trip.
  const clickedAt = await dispatch.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="crew-list"] [data-testid="call-voice"]');
    const at = Date.now();
    button?.click();
    return at;
  });
  const mediaAt = [await mediaArrival(dispatch), await mediaArrival(terminal)];
  const ringAt = (await waitUntil(() => terminal.evaluate(() => (window as unknown as { ringAt: number | null }).ringAt), (at) => at !== null, 'ringing')) as number;
  await recordCall(into, dispatch, terminal, { startedAt: clickedAt, ringAt, mediaAt });
  await dispatch.locator('[data-testid="calls"] li').first().getByTestId('hang-up').click();
  await waitUntil(() => dispatch.locator('[data-testid="calls"] li').count(), (count) => count === 0, 'the console to hang up');
  await waitUntil(() => terminal.locator('[data-testid="calls"] li').count(), (count) => count === 0, 'the crew to hang up');
}

/** Median and 90th percentile, NaN where there are no samples. */
export function spread(samples: readonly number[]): { median: number; p90: number } {
  return { median: percentile(samples, 0.5) ?? NaN, p90: percentile(samples, 0.9) ?? NaN };
}
