import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crew } from '../../src/shared/domain/directory.js';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { kamailioInstalled, startTestSipServer, type TestSipServer } from '../helpers/kamailio.js';
import { contextWithCredential, enrolDevice, signInCookie } from '../helpers/identity.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { holdsThroughout, waitUntil } from '../helpers/wait.js';

const CALL_TIMEOUT_MS = 20_000;

/**
 * Real calls: Debian's kamailio as the SIP server, the console's dispatch window and crew terminals as separate
 * Chromium pages with fake microphones and cameras, media checked from each side's WebRTC statistics.
 */
describe.skipIf(!kamailioInstalled())('dispatch calls through kamailio', () => {
  let work: string;
  let sip: TestSipServer;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let base: string;
  let dispatch: Page;
  let crews: Crew[];
  const terminals = new Map<string, Page>();

  /** A page signed in as the test administrator, or holding a crew phone's credential. */
  async function openPage(path: string, at: readonly [number, number] = [106.5772, 29.5576], credential?: string): Promise<Page> {
    const context = await contextWithCredential(browser, base, credential ?? (await signInCookie(base)), {
      viewport: { width: 1600, height: 900 },
      permissions: ['microphone', 'camera', 'geolocation'],
      geolocation: { longitude: at[0], latitude: at[1] },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error on ${path}:`, error));
    await page.goto(`${base}${path}`);
    return page;
  }

  async function terminal(crew: Crew, autoAnswer: boolean): Promise<Page> {
    // Each terminal reports where its crew is, so "nearest" on the map stays what the directory says.
    // Each phone is enrolled with its own crew's credential, as an administrator's QR code would enrol it.
    const page = await openPage(`crew${autoAnswer ? '?autoAnswer=1' : ''}`, crew.position ?? undefined, await enrolDevice(client, base, { kind: 'crew', crewId: crew.id }));
    await expect.poll(() => page.getByTestId('sip-registration').getAttribute('data-state'), { timeout: CALL_TIMEOUT_MS }).toBe('registered');
    terminals.set(crew.id, page);
    return page;
  }

  /** The call row of the one live call on a page (with that peer, when given). */
  function callRow(page: Page, user?: string): Locator {
    return page.locator(`[data-testid="calls"] li[data-phase="talking"]${user ? `[data-user="${user}"]` : ''}`).first();
  }

  /** Media arrives on both sides when each side's inbound audio keeps growing. */
  async function expectMediaBothWays(a: Locator, b: Locator): Promise<void> {
    for (const row of [a, b]) {
      await expect.poll(async () => Number(await row.getAttribute('data-audio-in')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(2000);
      const first = Number(await row.getAttribute('data-audio-in'));
      await expect.poll(async () => Number(await row.getAttribute('data-audio-in')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(first);
    }
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-dispatch-e2e-'));
    sip = await startTestSipServer(work);
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), ...sip.hostArgs],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    base = host.match[1] as string;
    client = await connectHost(base);
    await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the backend');
    crews = (await call(client, 'directory.crews', { onDutyOnly: true, limit: 50 })).filter((crew) => crew.status === 'available').slice(0, 5);
    expect(crews.length).toBe(5);
    browser = await launchChromium({ media: true });
    dispatch = await openPage('dispatch');
    await waitUntil(() => dispatch.getByTestId('sip-registration').getAttribute('data-state'), (state) => state === 'registered', 'the console seat to register', CALL_TIMEOUT_MS);
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    await sip?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('calls the crew nearest an incident with one click on the map: media both ways, hold and resume, DTMF, blind transfer to a second crew, hang-up', async () => {
    const [first, second] = crews as [Crew, Crew];
    const firstTerminal = await terminal(first, true);
    const secondTerminal = await terminal(second, true);

    // An incident where the first crew stands, selected on a map window of the same console.
    const incident = await call(client, 'incidents.report', {
      type: 'manhole-cover',
      title: '巡查上报：井盖缺失',
      severity: 'major',
      position: first.position as [number, number],
      districtAdcode: first.districtAdcode,
      riskGrade: null,
    });
    const map = await openPage('map');
    await waitUntil(() => map.getByTestId('backend-state').getAttribute('data-state'), (state) => state === 'connected', 'the map window');
    await expect.poll(async () => (await call(client, 'shared.select', { selection: { kind: 'incident', id: incident.id } })) && map.getByTestId('nearest-crews').count(), { timeout: CALL_TIMEOUT_MS }).toBe(1);
    await map.getByTestId('nearest-crews').locator(`li[data-crew="${first.id}"]`).getByTestId('call-crew').click();
    // The dispatch window holds the seat: the call is placed there, linked to the incident.
    const consoleSide = callRow(dispatch, first.sipExtension);
    const crewSide = callRow(firstTerminal);
    await expectMediaBothWays(consoleSide, crewSide);

    await consoleSide.getByTestId('hold').click();
    await expect.poll(() => consoleSide.getAttribute('data-held'), { timeout: CALL_TIMEOUT_MS }).toBe('true');
    // Held: the console stops sending, so what the crew receives stops growing. Statistics reach the page every 2 s and
    // the first after the hold still count audio that was on its way: the count has settled once it grows by less than
    // a trickle across more than one of them.
    const audioIn = async () => Number(await crewSide.getAttribute('data-audio-in'));
    let growingSince = { bytes: await audioIn(), at: Date.now() };
    const { bytes: heldBytes } = await waitUntil(
      async () => {
        const bytes = await audioIn();
        if (bytes - growingSince.bytes >= 800) growingSince = { bytes, at: Date.now() };
        return { bytes, quietMs: Date.now() - growingSince.at };
      },
      (reading) => reading.quietMs >= 2500,
      "the crew's received audio to stop growing once held",
      CALL_TIMEOUT_MS,
    );
    // Silence sends no event of its own: the crew's count is watched for longer than two statistics intervals.
    await holdsThroughout(4500, audioIn, (bytes) => bytes < heldBytes + 1500, 'the held crew to receive next to no audio');
    await consoleSide.getByTestId('hold').click();
    await expect.poll(() => consoleSide.getAttribute('data-held'), { timeout: CALL_TIMEOUT_MS }).toBe('false');
    await expect.poll(async () => Number(await crewSide.getAttribute('data-audio-in')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(heldBytes + 3000);

    await consoleSide.getByRole('combobox').selectOption('5');
    await expect.poll(() => crewSide.getAttribute('data-dtmf'), { timeout: CALL_TIMEOUT_MS }).toBe('5');

    await consoleSide.getByTestId('transfer-to').fill(second.sipExtension);
    await consoleSide.getByTestId('transfer').click();
    // A transferred call comes from the first crew, not the centre: auto-answer leaves it to the second crew to take.
    await secondTerminal.getByTestId('incoming').getByTestId('answer').click();
    // The first crew now talks with the second; the console is out of it.
    await expect.poll(() => dispatch.locator('[data-testid="calls"] li[data-phase="talking"]').count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);
    await expectMediaBothWays(callRow(firstTerminal, second.sipExtension), callRow(secondTerminal, first.sipExtension));
    await callRow(secondTerminal).getByTestId('hang-up').click();
    await expect.poll(() => firstTerminal.locator('[data-testid="calls"] li').count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);

    const log = await call(client, 'calls.log', { limit: 10 });
    expect(log[0]).toMatchObject({ direction: 'outgoing', outcome: 'transferred', incidentId: incident.id, peer: { user: first.sipExtension, crewId: first.id } });
    expect(log[0]?.answeredAt).not.toBeNull();
    await map.context().close();
    // The first call also warms a map window and the browsers' media: 60 s before media flowed on two shared cores.
  }, 180_000);

  it('queues incoming calls by priority and waiting time; the dispatcher answers; a call given up is missed; the KPIs count them', async () => {
    const [, , third, fourth] = crews as [Crew, Crew, Crew, Crew];
    const caller = await terminal(third, false);
    const urgent = await terminal(fourth, false);

    await caller.getByTestId('call-centre').click();
    await expect.poll(() => dispatch.locator('[data-testid="call-queue"] li').count(), { timeout: CALL_TIMEOUT_MS }).toBe(1);
    await urgent.getByTestId('call-emergency').click();
    const queue = dispatch.locator('[data-testid="call-queue"] li');
    await expect.poll(() => queue.count(), { timeout: CALL_TIMEOUT_MS }).toBe(2);
    // The emergency call came second and is first in the queue; the directory names who calls.
    expect(await queue.first().getAttribute('data-priority')).toBe('emergency');
    await expect.poll(() => queue.first().textContent(), { timeout: CALL_TIMEOUT_MS }).toContain(fourth.name);
    expect(await dispatch.getByTestId('calls-waiting').textContent()).toBe('2');

    // The dispatcher answers once the call has waited two seconds by the queue's own count (the KPI below needs it).
    await expect.poll(() => queue.first().locator('.waiting').textContent(), { timeout: CALL_TIMEOUT_MS }).toMatch(/^([2-9]|\d{2,}) s$/);
    await queue.first().getByTestId('answer').click();
    await expectMediaBothWays(callRow(dispatch, fourth.sipExtension), callRow(urgent));
    // The crew that waited gives up: a missed call.
    await caller.locator('[data-testid="calls"] li').first().getByTestId('hang-up').click();
    await expect.poll(() => queue.count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);
    await callRow(dispatch, fourth.sipExtension).getByTestId('hang-up').click();

    const kpis = dispatch.getByTestId('call-kpis');
    await expect.poll(async () => Number(await kpis.getAttribute('data-answered')), { timeout: CALL_TIMEOUT_MS }).toBe(1);
    expect(Number(await kpis.getAttribute('data-answer-p90'))).toBeGreaterThan(1000);
    expect(Number(await kpis.getAttribute('data-missed'))).toBe(1);
    const log = await call(client, 'calls.log', { limit: 10 });
    expect(log.find((record) => record.peer.user === fourth.sipExtension)).toMatchObject({ direction: 'incoming', priority: 'emergency', outcome: 'completed', peer: { crewId: fourth.id } });
    expect(log.find((record) => record.peer.user === third.sipExtension && record.direction === 'incoming')).toMatchObject({ outcome: 'missed' });
    expect(await dispatch.locator('[data-testid="call-log"] tr').count()).toBeGreaterThanOrEqual(3);
  });

  it('a group call joins every crew that answers into one conversation, mixed at the console', async () => {
    const [, second, third, fourth] = crews as [Crew, Crew, Crew, Crew];
    const members = [second, third, fourth];
    for (const crew of members) {
      if (!terminals.has(crew.id)) await terminal(crew, true);
      await (terminals.get(crew.id) as Page).getByRole('checkbox').check();
    }
    // One click in the console places the group call (as a plan's call step does for a group).
    await call(client, 'calls.request', {
      requestId: 'group-call-e2e-0001',
      parties: members.map((crew) => ({ user: crew.sipExtension, name: crew.name, crewId: crew.id })),
      media: 'audio',
      priority: 'urgent',
      incidentId: null,
      runId: null,
      drill: false,
    });
    const groupRows = dispatch.locator('[data-testid="calls"] li[data-phase="talking"]');
    await expect.poll(() => groupRows.count(), { timeout: CALL_TIMEOUT_MS }).toBe(3);
    const group = await groupRows.first().getAttribute('data-group');
    expect(group).toMatch(/^G-/);
    for (const crew of members) await expectMediaBothWays(callRow(dispatch, crew.sipExtension), callRow(terminals.get(crew.id) as Page));

    // With the dispatcher's microphone muted, a crew still hears the others: the console mixes them.
    await groupRows.first().getByTestId('mute').click();
    await expect.poll(() => groupRows.first().getAttribute('data-muted'), { timeout: CALL_TIMEOUT_MS }).toBe('true');
    const listener = callRow(terminals.get(second.id) as Page);
    await expect.poll(async () => Number(await listener.getAttribute('data-audio-level')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(0.001);
    for (let index = 0; index < 3; index += 1) await groupRows.first().getByTestId('hang-up').click();
    await expect.poll(() => groupRows.count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);
    const log = await call(client, 'calls.log', { limit: 5 });
    expect(new Set(log.slice(0, 3).map((record) => record.groupCallId))).toEqual(new Set([group]));
  });

  it('keeps one call active with the others held, joins two crews by attended transfer, and shows a crew\'s camera in a video call', async () => {
    const [, second, third, , fifth] = crews as [Crew, Crew, Crew, Crew, Crew];
    const pageOf = async (crew: Crew) => {
      const page = terminals.get(crew.id) ?? (await terminal(crew, true));
      await page.getByRole('checkbox').check();
      return page;
    };
    const [secondPage, thirdPage] = [await pageOf(second), await pageOf(third)];
    const callFromDirectory = async (crew: Crew, media: 'voice' | 'video') => {
      await dispatch.getByRole('searchbox').fill(crew.sipExtension);
      await dispatch.locator('[data-testid="crew-list"] li', { hasText: crew.name }).getByTestId(`call-${media}`).click();
    };
    await callFromDirectory(second, 'voice');
    await expectMediaBothWays(callRow(dispatch, second.sipExtension), callRow(secondPage));
    await callFromDirectory(third, 'voice');
    await expectMediaBothWays(callRow(dispatch, third.sipExtension), callRow(thirdPage));
    // The new call is the active one: the first was put on hold by itself.
    const firstCall = dispatch.locator(`[data-testid="calls"] li[data-user="${second.sipExtension}"]`);
    await expect.poll(() => firstCall.getAttribute('data-held'), { timeout: CALL_TIMEOUT_MS }).toBe('true');

    // Attended transfer: the held crew is joined to the one the dispatcher just talked to, and the console leaves both.
    await firstCall.getByRole('button', { name: new RegExp(third.name) }).click();
    await expect.poll(() => dispatch.locator('[data-testid="calls"] li').count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);
    // The crew that was held calls the other at the contact the transfer named; the other sees who calls.
    await expectMediaBothWays(callRow(secondPage), callRow(thirdPage, second.sipExtension));
    expect(await callRow(secondPage).textContent()).toContain(third.name);
    await callRow(thirdPage).getByTestId('hang-up').click();
    await expect.poll(() => secondPage.locator('[data-testid="calls"] li').count(), { timeout: CALL_TIMEOUT_MS }).toBe(0);

    const fifthPage = await pageOf(fifth);
    await callFromDirectory(fifth, 'video');
    const videoCall = callRow(dispatch, fifth.sipExtension);
    await expectMediaBothWays(videoCall, callRow(fifthPage));
    await expect.poll(async () => Number(await videoCall.getAttribute('data-video-frames')), { timeout: CALL_TIMEOUT_MS }).toBeGreaterThan(10);
    expect(await videoCall.getByTestId('call-video').count()).toBe(1);
    await videoCall.getByTestId('hang-up').click();
  });

  it('says why a call did not connect (absent crew, declined, no microphone) and logs the problem as a code', async () => {
    const absent = (await call(client, 'directory.crews', { onDutyOnly: true, limit: 200 })).find(
      (crew) => crew.status === 'available' && !crews.some((known) => known.id === crew.id),
    ) as Crew;
    const [first] = crews as [Crew];
    const declining = terminals.get(first.id) ?? (await terminal(first, false));
    await declining.getByRole('checkbox').uncheck();
    const ended = (user: string) => call(client, 'calls.log', { limit: 20 }).then((log) => log.find((record) => record.peer.user === user && record.endedAt !== null));

    await dispatch.getByRole('searchbox').fill(absent.sipExtension);
    await dispatch.locator('[data-testid="crew-list"] li', { hasText: absent.name }).getByTestId('call-voice').click();
    await expect.poll(() => ended(absent.sipExtension).then((record) => record?.outcome), { timeout: CALL_TIMEOUT_MS }).toBe('unavailable');
    expect((await ended(absent.sipExtension))?.problem?.code).toBe('crew-unreachable');

    await dispatch.getByRole('searchbox').fill(first.sipExtension);
    await dispatch.locator('[data-testid="crew-list"] li', { hasText: first.name }).getByTestId('call-voice').click();
    await declining.getByTestId('incoming').getByRole('button', { name: /拒接|Decline/ }).click();
    // The log is newest first: the first ended call with this crew is the one just declined.
    await expect.poll(() => ended(first.sipExtension).then((record) => record?.outcome), { timeout: CALL_TIMEOUT_MS }).toBe('rejected');
    expect((await ended(first.sipExtension))?.problem?.code).toBe('crew-declined');

    // The microphone is unplugged: the call never leaves the console, and the operator reads why.
    await dispatch.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    });
    await dispatch.locator('[data-testid="crew-list"] li', { hasText: first.name }).getByTestId('call-voice').click();
    await expect.poll(async () => (await call(client, 'calls.log', { limit: 1 }))[0]?.outcome, { timeout: CALL_TIMEOUT_MS }).toBe('failed');
    expect((await call(client, 'calls.log', { limit: 1 }))[0]?.problem?.code).toBe('media-missing');
    await dispatch.reload();
    await expect.poll(() => dispatch.getByTestId('sip-registration').getAttribute('data-state'), { timeout: CALL_TIMEOUT_MS }).toBe('registered');
  });

  it('registers again by itself when kamailio is killed and restarted, and says so', async () => {
    const registration = dispatch.getByTestId('sip-registration');
    const before = Number(await registration.getAttribute('data-reregistrations'));
    await sip.kill();
    await expect.poll(() => registration.getAttribute('data-state'), { timeout: CALL_TIMEOUT_MS }).toBe('reconnecting');
    expect(await registration.textContent()).toContain('正在重连');
    // Kamailio comes back only after the seat has tried it in vain at least once (the host's relay says so).
    const unreachable = () => host.output().split('the SIP server could not be reached for a page').length - 1;
    const refusedBefore = unreachable();
    await waitUntil(unreachable, (count) => count > refusedBefore, 'the seat to try the stopped SIP server', CALL_TIMEOUT_MS);
    await sip.start();
    await expect.poll(() => registration.getAttribute('data-state'), { timeout: CALL_TIMEOUT_MS }).toBe('registered');
    expect(Number(await registration.getAttribute('data-reregistrations'))).toBe(before + 1);
    expect(await registration.textContent()).toContain('已自动重新注册');
    // And calls go through again.
    const [first] = crews as [Crew];
    const crewPage = terminals.get(first.id) ?? (await terminal(first, true));
    await crewPage.getByRole('checkbox').check();
    await expect.poll(() => crewPage.getByTestId('sip-registration').getAttribute('data-state'), { timeout: CALL_TIMEOUT_MS }).toBe('registered');
    await dispatch.getByRole('searchbox').fill(first.sipExtension);
    await dispatch.locator('[data-testid="crew-list"] li', { hasText: first.name }).getByTestId('call-voice').click();
    await expectMediaBothWays(callRow(dispatch, first.sipExtension), callRow(crewPage));
    await callRow(dispatch, first.sipExtension).getByTestId('hang-up').click();
  });
});
