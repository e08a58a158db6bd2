import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { bridgeTestPlanYaml } from '../fixtures/plans/bridge-test-plan.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';
import { signedInPage } from '../helpers/identity.js';

type Running = Awaited<ReturnType<typeof startProcess>>;

const sharedPlan = (title: string) => `formatVersion: 1
id: shared-plan
version: 1
title: { zh: ${title}, en: Shared plan }
summary: { zh: 两台控制台同时编辑, en: Edited on two consoles at once }
incidentTypes: [gas-concentration]
roles:
  dutyOfficer: { title: { zh: 值班长, en: Duty officer } }
steps:
  - { id: check, type: task, title: { zh: 核实, en: Check }, owner: dutyOfficer }
`;

/**
 * Two consoles and one standalone backend, as a centre with two dispatch desks runs them. Runs and audit events
 * reach the other console through the backend; a lost link (and a killed console) loses nothing and repeats nothing;
 * a concurrent edit of the same plan version is shown as a conflict.
 */
describe('sync between two consoles', () => {
  let work: string;
  let backend: Running;
  let backendPort: string;
  const consoles: Record<'a' | 'b', { host: Running; client: WebSocketBridge; base: string } | undefined> = { a: undefined, b: undefined };

  const startBackend = async (port: string) => {
    backend = await startProcess('out/backend/backend.mjs', ['--port', port, '--data-dir', join(work, 'backend'), '--city-dir', testCityDir()], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/);
    backendPort = backend.match[1] as string;
  };
  /** Each console is enrolled once and keeps its credential across restarts. */
  const credentialFiles: Partial<Record<'a' | 'b', string>> = {};
  const startConsole = async (name: 'a' | 'b', port = '0') => {
    credentialFiles[name] ??= await enrolConsole(join(work, 'backend'), `console-${name}`);
    const host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', port, '--data-dir', join(work, name), '--city-dir', testCityDir(), '--plans-dir', join(work, `plans-${name}`), '--backend-url', `http://127.0.0.1:${backendPort}`, '--backend-token-file', credentialFiles[name]],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    const base = host.match[1] as string;
    consoles[name] = { host, client: await connectHost(base), base };
  };
  const a = () => consoles.a as NonNullable<(typeof consoles)['a']>;
  const b = () => consoles.b as NonNullable<(typeof consoles)['b']>;
  const pending = async (name: 'a' | 'b') => (await call((name === 'a' ? a() : b()).client, 'sync.status', {})).pending;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-sync-e2e-'));
    for (const [name, title] of [['a', '甲台版本'], ['b', '乙台版本']] as const) {
      mkdirSync(join(work, `plans-${name}`));
      writeFileSync(join(work, `plans-${name}`, 'bridge-test.yaml'), bridgeTestPlanYaml);
      writeFileSync(join(work, `plans-${name}`, 'shared-plan.yaml'), sharedPlan(title));
    }
    await startBackend('0');
    await startConsole('a');
    await waitUntil(() => pending('a'), (count) => count === 0, "console a's outbox to empty");
    await startConsole('b');
    await waitUntil(() => pending('b'), (count) => count === 0, "console b's outbox to empty");
  });

  afterAll(async () => {
    for (const entry of Object.values(consoles)) {
      entry?.client.dispose();
      await entry?.host.stop();
    }
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows a concurrent edit of one plan version as a conflict on the console whose copy was refused', async () => {
    const status = await call(b().client, 'sync.status', {});
    expect(status.conflicts).toEqual([expect.objectContaining({ key: 'plan:shared-plan@1', refusedFrom: (await call(b().client, 'host.info', {})).consoleId })]);
    // Console b keeps its own copy; nothing of it is lost.
    expect((await call(b().client, 'plans.get', { planId: 'shared-plan' })).title.zh).toBe('乙台版本');
    const browser = await launchChromium();
    const page = await signedInPage(browser, b().base);
    await page.goto(`${b().base}plans`);
    await expect.poll(() => page.getByTestId('plan-conflicts').textContent(), { timeout: 10_000 }).toContain('plan:shared-plan@1');
    await expect.poll(() => page.getByTestId('sync-conflicts').textContent()).toContain('1');
    await browser.close();
  });

  it('shows a run started on one console on the other within a second', async () => {
    // Console b's own feed says when it learnt of the run: polling it would add its interval and round trips.
    const heardAt = new Map<string, number>();
    const unsubscribe = b().client.subscribe('runs.changed', (view) => {
      if (!heardAt.has(view.state.runId)) heardAt.set(view.state.runId, Date.now());
    });
    await call(b().client, 'runs.list', {});
    const started = Date.now();
    const run = await call(a().client, 'runs.start', { planId: 'bridge-test', incidentId: null, mode: 'drill' });
    await expect.poll(() => heardAt.has(run.state.runId), { timeout: 10_000 }).toBe(true);
    unsubscribe();
    expect((await call(b().client, 'runs.list', {})).some((summary) => summary.runId === run.state.runId)).toBe(true);
    const seenAfterMs = (heardAt.get(run.state.runId) as number) - started;
    console.log(`sync: console b listed the run ${seenAfterMs} ms after console a started it`);
    expect(seenAfterMs).toBeLessThan(1000);
    const followed = await call(b().client, 'runs.get', { runId: run.state.runId });
    expect(followed.origin).toBe(run.origin);
    // The other console follows; it does not command.
    expect((await b().client.call('runs.command', { runId: run.state.runId, command: { type: 'complete', stepId: 'call-crew' } })).ok).toBe(false);
  });

  it('keeps every operation through a lost link and a killed console, and delivers each exactly once', async () => {
    const run = await call(a().client, 'runs.start', { planId: 'bridge-test', incidentId: null, mode: 'drill' });
    const runId = run.state.runId;
    await backend.stop();
    await call(a().client, 'runs.command', { runId, command: { type: 'complete', stepId: 'call-crew' } });
    await call(a().client, 'runs.command', { runId, command: { type: 'acknowledge', stepId: 'inspect' } });
    await expect.poll(() => pending('a')).toBeGreaterThanOrEqual(3);
    // The console dies with records still in its outbox; they are in its database, not in memory.
    const port = new URL(a().base).port;
    a().client.dispose();
    await a().host.stop('SIGKILL');
    await startConsole('a', port);
    expect(await pending('a')).toBeGreaterThanOrEqual(3);
    await startBackend(backendPort);
    await expect.poll(() => pending('a'), { timeout: 20_000 }).toBe(0);
    const expected = (await call(a().client, 'runs.get', { runId })).events;
    await expect.poll(async () => (await call(b().client, 'runs.get', { runId })).events.length, { timeout: 20_000 }).toBe(expected.length);
    const received = (await call(b().client, 'runs.get', { runId })).events;
    expect(received).toEqual(expected);
    expect(received.map((record) => record.seq)).toEqual(expected.map((_, index) => index + 1));
    expect((await call(b().client, 'runs.get', { runId })).state.steps.inspect?.status).toBe('acknowledged');
  });

  it('hands a run over from a console that went away, and shows the records that console can no longer sync', async () => {
    const run = await call(a().client, 'runs.start', { planId: 'bridge-test', incidentId: null, mode: 'drill' });
    const runId = run.state.runId;
    await expect.poll(async () => (await b().client.call('runs.get', { runId })).ok, { timeout: 10_000 }).toBe(true);
    // Console a loses the backend, records a step nobody else sees, and dies.
    await backend.stop();
    await call(a().client, 'runs.command', { runId, command: { type: 'complete', stepId: 'call-crew' } });
    const port = new URL(a().base).port;
    a().client.dispose();
    await a().host.stop('SIGKILL');
    await startBackend(backendPort);
    await expect.poll(async () => (await call(b().client, 'backend.status', {})).state, { timeout: 20_000 }).toBe('connected');

    // Console b takes the run over, with a reason, through its run console, and drives it.
    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, b().base);
      await page.goto(`${b().base}plans`);
      await page.getByTestId(`run-${runId}`).click();
      await page.getByTestId('take-over').click();
      await page.getByTestId('text-prompt-input').fill('甲台离线');
      await page.getByTestId('text-prompt-ok').click();
      await expect.poll(async () => (await call(b().client, 'runs.get', { runId })).origin, { timeout: 10_000 }).toBe((await call(b().client, 'host.info', {})).consoleId);
      await expect.poll(() => page.getByTestId('audit-list').textContent()).toContain('甲台离线');
      await call(b().client, 'runs.command', { runId, command: { type: 'complete', stepId: 'call-crew' } });

      // Console a comes back: it follows the run it no longer drives, and its footer shows what it could not sync.
      await startConsole('a', port);
      await expect.poll(async () => (await call(a().client, 'runs.get', { runId })).origin, { timeout: 20_000 }).toBe((await call(b().client, 'host.info', {})).consoleId);
      await expect.poll(() => pending('a'), { timeout: 20_000 }).toBe(0);
      const status = await call(a().client, 'sync.status', {});
      expect(status.setAside.map((record) => record.reason)).toContain('conflicting-event');
      const aPage = await signedInPage(browser, a().base);
      await aPage.goto(`${a().base}plans`);
      const footer = aPage.getByTestId('sync-set-aside');
      // Console a may still set records aside as it catches up: the footer is compared with what it holds at that moment.
      await expect
        .poll(async () => (await footer.getAttribute('data-count')) === String((await call(a().client, 'sync.status', {})).setAsideCount), { timeout: 10_000 })
        .toBe(true);
      await footer.locator('summary').click();
      await expect.poll(() => footer.textContent()).toContain('与本台已有事件冲突');
      // Both consoles are still up and in sync for everything else.
      const next = await call(b().client, 'runs.start', { planId: 'bridge-test', incidentId: null, mode: 'drill' });
      await expect.poll(async () => (await a().client.call('runs.get', { runId: next.state.runId })).ok, { timeout: 10_000 }).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
