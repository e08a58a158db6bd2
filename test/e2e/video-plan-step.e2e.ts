import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { handleAlarmsBefore, playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';

/** The gas-leak plan's "cameras around the leak" step, done from the run console with one click. */
describe('the plan step “cameras near this incident”', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let plans: Page;
  let video: Page;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-plan-e2e-'));
    host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir()], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/);
    client = await connectHost(host.match[1] as string);
    browser = await launchChromium();
    plans = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
    video = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
    await plans.goto(`${host.match[1] as string}plans`);
    await video.goto(`${host.match[1] as string}video`);
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('puts the cameras around the run’s incident on the wall and completes the step with them', async () => {
    const [camera] = await call(client, 'cameras.near', { position: [106.5772, 29.5576], count: 1, radiusM: 50_000 });
    if (!camera) throw new Error('no camera in the test city');
    const incident = await call(client, 'incidents.report', {
      type: 'gas-leak',
      title: '测试：燃气管道泄漏',
      severity: 'major',
      position: camera.position,
      districtAdcode: '500103',
      riskGrade: null,
    });
    const run = await call(client, 'runs.start', { planId: 'gas-leak', incidentId: incident.id, mode: 'live' });
    for (const stepId of ['call-gas-crew', 'locate-leak']) await call(client, 'runs.command', { runId: run.state.runId, command: { type: 'complete', stepId } });

    const step = plans.locator('[data-step="leak-cameras"]');
    await expect.poll(() => step.getAttribute('data-status'), { timeout: 15_000 }).toBe('active');
    await plans.getByTestId('open-cameras-leak-cameras').click();
    await expect.poll(() => step.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
    const completed = (await call(client, 'runs.get', { runId: run.state.runId })).events.find(
      (record) => record.event.type === 'step-completed' && record.event.stepId === 'leak-cameras',
    );
    expect(JSON.stringify(completed?.event)).toContain(camera.code);

    const grid = video.getByTestId('video-grid');
    await expect.poll(() => grid.getAttribute('data-incident'), { timeout: 10_000 }).toBe(incident.id);
    await expect.poll(() => grid.locator('li[data-camera]').first().getAttribute('data-camera'), { timeout: 10_000 }).toBe(camera.id);
    await expect.poll(async () => {
      await handleAlarmsBefore(client, null);
      return (await playingCameras(video)).includes(camera.id);
    }, { timeout: 30_000 }).toBe(true);
  });
});
