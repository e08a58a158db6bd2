import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../fixtures/plans/bridge-test-plan.js';
import { launchChromium } from '../helpers/chromium.js';
import { repoRoot, startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { TEST_ADMIN_PASSWORD, signedInContext, signedInPage } from '../helpers/identity.js';
import { call, connectHost } from '../helpers/host-client.js';

/**
 * A plan run driven through the plans screen as a drill operator would: launch, acknowledge, let a time limit pass
 * and escalate, choose a branch, finish the parallel block; then the host is killed mid-run and the run resumes.
 */
describe('plan runs in Chromium', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let browser: Browser;
  let base: string;

  const startHost = async (port: string) => {
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', port, '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--plans-dir', join(work, 'plans')],
      /Zhili web host: (http:\/\/127\.0\.0\.1:(\d+)\/)/,
    );
    base = host.match[1] as string;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-plans-e2e-'));
    mkdirSync(join(work, 'plans'));
    // The fixture's limits, shortened so the test can watch a time limit pass.
    writeFileSync(join(work, 'plans', 'bridge-test.yaml'), bridgeTestPlanYaml.replace('seconds: 300', 'seconds: 10').replace('seconds: 60', 'seconds: 2'));
    writeFileSync(join(work, 'plans', 'broken.yaml'), 'formatVersion: 1\nid: broken\nversion: one\n');
    // The real bridge plan, with every time limit and wait cut to 10 s so a test can see them pass.
    const bridgePlan = readFileSync(join(repoRoot, 'plans', 'bridge-structural-alarm.yaml'), 'utf8').replace(/seconds: \d+/g, 'seconds: 10');
    writeFileSync(join(work, 'plans', 'bridge-structural-alarm.yaml'), bridgePlan);
    await startHost('0');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** The plans window, signed in as the test administrator or as `user` (a user name and the test password). */
  const openPlans = async (user?: string): Promise<Page> => {
    const options = { viewport: { width: 1600, height: 1000 } };
    const page = user === undefined ? await signedInPage(browser, base, options) : await (await signedInContext(browser, base, options, user, TEST_ADMIN_PASSWORD)).newPage();
    await page.goto(`${base}plans`);
    await expect.poll(() => page.getByTestId('plan-list').textContent(), { timeout: 15_000 }).toContain('桥梁测试预案');
    return page;
  };
  const stepStatus = (page: Page, stepId: string) => page.locator(`[data-step="${stepId}"]`).getAttribute('data-status');

  it('reports a broken plan file with its line and column, and loads the others', async () => {
    const page = await openPlans();
    await expect.poll(() => page.getByTestId('plan-problems').textContent()).toContain('broken.yaml:3:10');
    // The library filters by incident type and searches titles.
    await page.getByTestId('plan-type-filter').selectOption('bridge-displacement');
    await expect.poll(() => page.getByTestId('plan-list').locator('li').count()).toBe(1);
    await page.getByTestId('plan-type-filter').selectOption('');
    await page.getByTestId('plan-search').fill('测试');
    await expect.poll(() => page.getByTestId('plan-list').textContent()).toBe(await page.getByTestId('plan-list').locator('li').first().textContent());
    expect(await page.getByTestId('plan-list').textContent()).toContain('桥梁测试预案');
    await page.getByTestId('plan-search').fill('');

    // Import: a broken file is refused with its line and column; a good one joins the library.
    await page.getByTestId('plan-import').setInputFiles({ name: 'bad.yaml', mimeType: 'application/yaml', buffer: Buffer.from('formatVersion: 1\nid: bad\nversion: two\n') });
    await expect.poll(() => page.getByTestId('import-problems').textContent()).toContain(':3:10');
    const imported = bridgeTestPlanYaml.replace('id: bridge-test', 'id: imported-plan').replace('桥梁测试预案', '外单位交换预案');
    await page.getByTestId('plan-import').setInputFiles({ name: 'from-elsewhere.yaml', mimeType: 'application/yaml', buffer: Buffer.from(imported) });
    await expect.poll(() => page.getByTestId('plan-list').textContent()).toContain('外单位交换预案');
    // Export gives the file back as written, comments and all.
    const download = page.waitForEvent('download');
    await page.getByTestId('export-bridge-structural-alarm').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('bridge-structural-alarm.yaml');
    const path = await file.path();
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(work, 'plans', 'bridge-structural-alarm.yaml'), 'utf8'));
    await page.close();
  });

  it('launches the bridge plan on a registered incident with one click and runs it live to the end, then as a drill with its report', async () => {
    const page = await openPlans();
    const act = async (kind: 'ack' | 'complete', stepId: string) => {
      await expect.poll(() => stepStatus(page, stepId), { timeout: 15_000 }).toMatch(/^(active|acknowledged)$/);
      await page.getByTestId(`${kind}-${stepId}`).click();
    };
    const choose = async (stepId: string, optionId: string) => {
      await expect.poll(() => stepStatus(page, stepId), { timeout: 15_000 }).toBe('active');
      await page.getByTestId(`choose-${stepId}-${optionId}`).click();
    };
    // 12319 hotline: a citizen reports noise on the bridge; the operator registers it.
    await page.getByTestId('report-incident').click();
    await page.getByTestId('incident-type').selectOption('bridge-strain');
    await page.getByTestId('incident-title').fill('市民来电：朝天门长江大桥桥面异响');
    await page.getByTestId('incident-district').selectOption('500103');
    await page.getByTestId('incident-severity').selectOption('severe');
    await page.getByTestId('incident-submit').click();
    const incident = page.locator('[data-incident]', { hasText: '桥面异响' });
    await expect.poll(() => incident.count(), { timeout: 10_000 }).toBe(1);
    await incident.getByTestId('launch-bridge-structural-alarm').click();
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-status')).toBe('active');
    expect(await page.getByTestId('run-console').textContent()).toContain('实战');
    await act('complete', 'locate-bridge');
    await act('complete', 'bridge-cameras');
    await act('ack', 'verify-reading');
    await expect.poll(() => page.getByTestId('escalated-verify-reading').count(), { timeout: 20_000 }).toBe(1);
    await act('complete', 'verify-reading');
    await choose('reading-valid', 'real');
    await act('complete', 'call-bridge-crew');
    await act('complete', 'notify-leadership');
    await act('complete', 'crew-on-site');
    await choose('close-bridge', 'keep-open');
    await act('complete', 'enhanced-watch');
    // The observation window is a wait: the host's timer ends it.
    await choose('review-after-watch', 'stand-down');
    await act('complete', 'reopen-traffic');
    await act('complete', 'close-out');
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-status')).toBe('completed');

    await page.getByTestId('drill-bridge-structural-alarm').click();
    await expect.poll(() => page.getByTestId('run-console').textContent()).toContain('DRILL-');
    await act('complete', 'locate-bridge');
    await act('complete', 'bridge-cameras');
    await act('complete', 'verify-reading');
    await choose('reading-valid', 'sensor-fault');
    await act('complete', 'log-sensor-fault');
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-status')).toBe('completed');
    await page.getByTestId('open-report').click();
    await expect.poll(() => page.getByTestId('run-report').textContent()).toContain('演练报告');
    expect(await page.getByTestId('run-report').locator('tr[data-step]').count()).toBe(5);
    expect(Number(await page.getByTestId('report-score').evaluate((element) => element.firstChild?.textContent))).toBeGreaterThan(0);
    await page.close();
  });

  it('stages a bridge alarm in a drill; its trigger proposes the bridge plan and one click launches it on the incident', async () => {
    // A drill director on duty, signed in as herself: what she does is recorded under her name.
    const admin = await connectHost(base);
    await call(admin, 'users.save', { id: null, username: 'wang.xiaoxue', displayName: '王晓雪', roles: ['drill-director'], disabled: false, password: TEST_ADMIN_PASSWORD });
    admin.dispose();
    const page = await openPlans('wang.xiaoxue');
    await page.getByTestId('drill-mode').check();
    await page.getByTestId('inject-bridge-structural-alarm').click();
    await expect.poll(() => page.getByTestId('proposals').textContent(), { timeout: 10_000 }).toContain('【演练】');
    await page.getByTestId('confirm-bridge-structural-alarm').click();
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-status')).toBe('active');
    const consoleText = await page.getByTestId('run-console').textContent();
    expect(consoleText).toContain('跨江桥梁结构监测告警处置预案');
    expect(consoleText).toContain('【演练】');
    expect(consoleText).toContain('演练');
    // Answered: the proposal is gone, the incident lists the run's plan as a drill.
    await expect.poll(() => page.getByTestId('proposals').count()).toBe(0);
    const firstActive = page.locator('[data-status="active"][data-step]').first();
    const stepId = (await firstActive.getAttribute('data-step')) as string;
    await page.getByTestId(`ack-${stepId}`).click();
    await expect.poll(() => page.locator(`[data-step="${stepId}"]`).getAttribute('data-status')).toBe('acknowledged');
    // A skipped step records its reason and who skipped it: the signed-in user, not a name typed in.
    await page.getByTestId(`skip-${stepId}`).click();
    await page.getByTestId('text-prompt-input').fill('大屏已显示告警桥梁');
    await page.getByTestId('text-prompt-ok').click();
    await expect.poll(() => page.locator(`[data-step="${stepId}"]`).getAttribute('data-status')).toBe('skipped');
    await expect.poll(() => page.getByTestId('audit-list').textContent()).toContain('大屏已显示告警桥梁 · 王晓雪');
    await page.close();
  });

  it('runs a drill end to end: acknowledge, escalate on a missed limit, branch, parallel, finish', async () => {
    const page = await openPlans();
    const watcher = await openPlans();
    await page.getByTestId('drill-bridge-test').click();
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-status')).toBe('active');
    await expect.poll(() => stepStatus(page, 'call-crew')).toBe('active');
    // The call step offers its one-click call, marked as a drill (which rings the drill roster only).
    expect(await page.getByTestId('call-call-crew').textContent()).toMatch(/演练|Drill/);
    await page.getByTestId('complete-call-crew').click();
    await expect.poll(() => stepStatus(page, 'inspect')).toBe('active');
    await page.getByTestId('ack-inspect').click();
    await expect.poll(() => stepStatus(page, 'inspect')).toBe('acknowledged');
    // The time limit counts down on the step.
    await expect.poll(() => page.locator('[data-step="inspect"]').getByTestId('countdown').textContent()).toMatch(/^0:(0\d|10)$/);
    // The host's timer escalates the missed limit and every window hears of it.
    await expect.poll(() => page.getByTestId('escalated-inspect').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('escalated-inspect').textContent()).toContain('指挥长');
    await page.getByTestId('complete-inspect').click();
    await page.getByTestId('choose-close-bridge-close').click();
    await expect.poll(() => stepStatus(page, 'traffic')).toBe('active');
    await page.getByTestId('complete-traffic').click();
    await expect.poll(() => stepStatus(page, 'remeasure'), { timeout: 10_000 }).toBe('active');
    await page.getByTestId('complete-remeasure').click();
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-status')).toBe('completed');
    const audit = await page.getByTestId('audit-list').textContent();
    expect(audit).toContain('超时升级');
    // The drill script staged its event one second in, as a drill incident.
    expect(audit).toContain('演练脚本事件');
    expect(audit).toContain('位移同步超限 → DRL-');
    // Every operator action names who did it and from which window.
    expect(audit).toMatch(/完成步骤 呼叫桥梁班组 · \S+ \(plans\/[0-9a-f]{8}\)/);
    // The drill report: the escalated step is marked late and the score accounts for it.
    await page.getByTestId('open-report').click();
    await expect.poll(() => page.getByTestId('run-report').locator('tr[data-step="inspect"]').textContent()).toContain('超时');
    const score = Number(await page.getByTestId('report-score').evaluate((element) => element.firstChild?.textContent));
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(100);
    await page.getByTestId('run-report').getByRole('button', { name: '关闭' }).click();
    // The other window saw the run through pushed events, without reloading.
    await expect.poll(() => watcher.getByTestId('run-list').textContent()).toContain('已完成');
    await page.close();
    await watcher.close();
  });

  it('resumes a run after the host is killed mid-run, with nothing lost or repeated', async () => {
    const page = await openPlans();
    await page.getByTestId('drill-bridge-test').click();
    await expect.poll(() => stepStatus(page, 'call-crew')).toBe('active');
    await page.getByTestId('complete-call-crew').click();
    await page.getByTestId('ack-inspect').click();
    await expect.poll(() => stepStatus(page, 'inspect')).toBe('acknowledged');
    const runId = (await page.getByTestId('run-console').getAttribute('data-run')) as string;
    const auditTypes = () => page.getByTestId('audit-list').locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
    // The fixture's drill script stages its event one second in; let it land so the history is settled before the kill.
    await expect.poll(async () => (await auditTypes()).includes('drill-injected'), { timeout: 10_000 }).toBe(true);
    const before = await auditTypes();
    const port = new URL(base).port;
    await host.stop('SIGKILL');
    await startHost(port);
    // The page reconnects by itself; the run is still there, active, with the same history and the missed limit.
    await page.reload();
    await expect.poll(() => page.getByTestId('run-list').textContent(), { timeout: 15_000 }).toContain('进行中');
    await page.locator('[data-testid="run-list"] button').first().click();
    await expect.poll(() => page.getByTestId('run-console').getAttribute('data-run')).toBe(runId);
    await expect.poll(() => page.getByTestId('escalated-inspect').count(), { timeout: 20_000 }).toBe(1);
    const types = await auditTypes();
    expect(types).toEqual([...before, 'step-escalated']);
    expect(types.filter((type) => type === 'run-started')).toHaveLength(1);
    // The scripted event was staged once, and not again after the restart.
    expect(types.filter((type) => type === 'drill-injected')).toHaveLength(1);
    expect(await stepStatus(page, 'inspect')).toBe('acknowledged');
    await page.close();
  });
});
