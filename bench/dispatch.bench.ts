/**
 * Dispatch figures for issue #5: one click to the far end ringing, and to sound arriving on both sides, median and
 * 90th percentile over 50 calls, each as a ratio to a bare sip.js call (bench/dispatch/bare-call.ts) placed between
 * the same two Chromium pages through the same kamailio in the same run, calls alternating. The difference is the
 * console's own overhead: its engine, store, screen and call log. Figures are for ratios on this machine.
 * ZHILI_BENCH_CALLS sets a smaller count for a quick look.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sipPassword } from '../src/backend/sip/sip-password.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { call, connectHost } from '../test/helpers/host-client.js';
import { contextWithCredential, enrolDevice, signInCookie } from '../test/helpers/identity.js';
import { kamailioInstalled, startTestSipServer } from '../test/helpers/kamailio.js';
import { startProcess } from '../test/helpers/processes.js';
import { testCityDir } from '../test/helpers/test-city.js';
import { waitUntil } from '../test/helpers/wait.js';
import { bundleBrowserScript, bundlePeerProbe, mediaArrival, noCallTimes, oneClickCall, recordCall, spread, watchMedia } from './dispatch/one-click-call.js';

const CALLS = Number(process.env.ZHILI_BENCH_CALLS ?? 50);

if (!kamailioInstalled()) {
  console.log('dispatch bench: SKIPPED, kamailio is not installed (apt-get install kamailio kamailio-websocket-modules)');
  process.exit(0);
}

const [bareScript, probeScript] = await Promise.all([bundleBrowserScript('dispatch/bare-call.ts'), bundlePeerProbe()]);

const work = mkdtempSync(join(tmpdir(), 'zhili-dispatch-bench-'));
const sip = await startTestSipServer(work);
const host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), ...sip.hostArgs], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/);
const base = host.match[1] as string;
const client = await connectHost(base);
const browser = await launchChromium({ media: true });

try {
  await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the backend');
  const crew = (await call(client, 'directory.crews', { onDutyOnly: true, limit: 20 })).find((entry) => entry.status === 'available');
  if (!crew) throw new Error('no crew on duty in the test city');
  // The console signs in as the test administrator; the crew phone holds its own crew's credential, as enrolled.
  const open = async (path: string, credential: string): Promise<Page> => {
    // The bare script goes in as a script tag, which the app's CSP would refuse; both runs share the same pages.
    const context = await contextWithCredential(browser, base, credential, { bypassCSP: true, permissions: ['microphone', 'camera'] });
    await context.addInitScript({ content: probeScript });
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    await waitUntil(() => page.getByTestId('sip-registration').getAttribute('data-state'), (state) => state === 'registered', `${path} to register`, 20_000);
    await page.addScriptTag({ content: bareScript });
    return page;
  };
  const dispatch = await open('dispatch', await signInCookie(base));
  const terminal = await open('crew?autoAnswer=1', await enrolDevice(client, base, { kind: 'crew', crewId: crew.id }));
  // The SIP secret sits in the private file the host reads (--sip-secret-file), as an operator would keep it.
  const [domain, secret, wsServer] = [sip.hostArgs[3] as string, readFileSync(sip.hostArgs[5] as string, 'utf8').trim(), sip.kamailio.wsUrl];
  for (const [page, user] of [[dispatch, 'bench-caller'], [terminal, 'bench-callee']] as const) {
    await page.evaluate((account) => (window as unknown as { bareSip: { start(a: unknown): Promise<void> } }).bareSip.start(account), {
      user,
      password: sipPassword(secret, user),
      domain,
      wsServer,
    });
  }
  await dispatch.getByRole('searchbox').fill(crew.sipExtension);
  const callButton = dispatch.locator('[data-testid="crew-list"] li', { hasText: crew.name }).getByTestId('call-voice');
  await callButton.waitFor();

  const ours = noCallTimes();
  const bare = noCallTimes();
  const ourCall = () => oneClickCall(dispatch, terminal, ours);

  async function bareCall(): Promise<void> {
    await Promise.all([watchMedia(dispatch), watchMedia(terminal)]);
    const startedAt = await dispatch.evaluate(
      ({ user, domain }) => (window as unknown as { bareSip: { call(u: string, d: string): number } }).bareSip.call(user, domain),
      { user: 'bench-callee', domain },
    );
    const mediaAt = [await mediaArrival(dispatch), await mediaArrival(terminal)];
    const ringAt = await terminal.evaluate(() => (window as unknown as { bareSip: { marks: { ringingAt: number | null } } }).bareSip.marks.ringingAt);
    await recordCall(bare, dispatch, terminal, { startedAt, ringAt: ringAt as number, mediaAt });
    await dispatch.evaluate(() => (window as unknown as { bareSip: { hangUp(): Promise<void> } }).bareSip.hangUp());
    await terminal.evaluate(() => (window as unknown as { bareSip: { hangUp(): Promise<void> } }).bareSip.hangUp());
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  // One of each to warm the media stack up (the first call after a browser starts is several times slower).
  await ourCall();
  await bareCall();
  for (const figures of [ours, bare]) for (const list of Object.values(figures)) list.length = 0;
  for (let index = 0; index < CALLS; index += 1) {
    await ourCall();
    await bareCall();
  }

  const line = (what: string, oursMs: number[], bareMs: number[]) => {
    const [{ median: m, p90: p }, { median: b, p90: q }] = [spread(oursMs), spread(bareMs)];
    console.log(
      `dispatch: ${what}: median ${m.toFixed(0)} ms vs bare sip.js ${b.toFixed(0)} ms = ${(m / b).toFixed(2)}x; p90 ${p.toFixed(0)} vs ${q.toFixed(0)} ms = ${(p / q).toFixed(2)}x (ours/bare, ${CALLS} calls each)`,
    );
  };
  line('click to the far end ringing', ours.ringing, bare.ringing);
  line('click to sound arriving on both sides', ours.media, bare.media);
  line('of which click to the INVITE leaving the console', ours.sent, bare.sent);
  line('of which the INVITE reaching the crew to it ringing there', ours.shown, bare.shown);
} finally {
  client.dispose();
  await browser.close();
  await host.stop();
  await sip.stop();
  rmSync(work, { recursive: true, force: true });
}
