import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../../test/fixtures/plans/bridge-test-plan.js';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import type { Actor } from '../../../shared/plans/run-model.js';
import type { RunView } from '../../../shared/plans/plan-views.js';
import { openDatabase } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { Outbox } from '../sync/outbox.js';
import { PlanLibraryService } from './plan-library.js';
import { PlanRepository } from './plan-repository.js';
import { RunRepository } from './run-repository.js';
import { RunService } from './run-service.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';

const operator: Actor = { kind: 'operator', name: '张伟', window: 'plans/test' };

let work: string;
let plansDir: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'zhili-runs-'));
  plansDir = join(work, 'plans');
  mkdirSync(plansDir);
  writeFileSync(join(plansDir, 'bridge-test.yaml'), bridgeTestPlanYaml);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** One console process: its database connection, plan library and run service. */
function openConsole(clock: ManualClock, changes: RunView[] = []) {
  const db = openDatabase({ file: join(work, 'console.sqlite'), migrations: consoleMigrations, logger: recordingLogger() });
  const outbox = new Outbox(db, clock);
  const plans = new PlanLibraryService(new PlanRepository(db), outbox, 'console-a', recordingLogger(), clock);
  const library = plans.loadDirectory(plansDir);
  const runs = new RunService(new RunRepository(db), plans, outbox, 'console-a', (view) => changes.push(view), recordingLogger(), clock);
  const resumed = runs.resumeActiveRuns();
  return { db, plans, library, runs, resumed, changes, outbox };
}

describe('RunService', () => {
  it('resumes a run after the host dies mid-run: nothing lost, nothing repeated, missed time limits escalate once', () => {
    const clock = new ManualClock();
    const first = openConsole(clock);
    const started = first.runs.start({ planId: 'bridge-test', mode: 'live', incident: null, by: operator });
    const runId = started.state.runId;
    first.runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator);
    first.runs.command(runId, { type: 'acknowledge', stepId: 'inspect' }, operator);
    const before = first.runs.view(runId);
    // The process dies: no dispose, no clean close; its timers die with it.
    first.runs.dispose();

    clock.advance(400);
    const second = openConsole(clock);
    expect(second.resumed).toBe(1);
    const after = second.runs.view(runId);
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    expect(after.events.slice(before.events.length).map((record) => record.event.type)).toEqual(['step-escalated']);
    expect(after.state.steps.inspect).toMatchObject({ status: 'acknowledged', escalatedTo: 'commander' });

    // A third start must not escalate again, and a repeated command is refused rather than done twice.
    second.runs.dispose();
    const third = openConsole(clock);
    expect(third.runs.view(runId).events).toHaveLength(after.events.length);
    expect(() => third.runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator)).toThrow(/not active/);
    third.runs.dispose();
  });

  it('fires waits and limits on its own timers while running', () => {
    const clock = new ManualClock();
    const console = openConsole(clock);
    const runId = console.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state.runId;
    console.runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator);
    expect(clock.armed).toBe(1);
    clock.advance(299);
    expect(console.runs.view(runId).state.steps.inspect?.escalatedTo).toBeNull();
    clock.advance(2);
    expect(console.runs.view(runId).state.steps.inspect?.escalatedTo).toBe('commander');
    console.runs.command(runId, { type: 'complete', stepId: 'inspect' }, operator);
    console.runs.command(runId, { type: 'choose', stepId: 'close-bridge', optionId: 'keep-open' }, operator);
    clock.advance(121);
    const view = console.runs.view(runId);
    expect(view.state.status).toBe('completed');
    expect(view.state.drillId).toMatch(/^DRILL-/);
    expect(console.changes.at(-1)?.state.status).toBe('completed');
    expect(console.runs.list()[0]).toMatchObject({ runId, mode: 'drill', status: 'completed', title: { zh: '桥梁测试预案' } });
    console.runs.dispose();
  });

  it('keeps the stored plan version when its file changes without a new version, and reports broken files', () => {
    const clock = new ManualClock();
    openConsole(clock).runs.dispose();
    const path = join(plansDir, 'bridge-test.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('桥梁测试预案', '改过的标题'));
    writeFileSync(join(plansDir, 'broken.yaml'), 'formatVersion: 1\nid: broken\n  version: [\n');
    const second = openConsole(clock);
    expect(second.library.plans.map((plan) => [plan.id, plan.title.zh])).toEqual([['bridge-test', '桥梁测试预案']]);
    expect(second.library.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'bridge-test.yaml', message: expect.stringContaining('still says version 2') }),
        expect.objectContaining({ file: 'broken.yaml', line: 2, column: 5 }),
      ]),
    );
    writeFileSync(path, readFileSync(path, 'utf8').replace('version: 2', 'version: 3'));
    const third = openConsole(clock);
    expect(third.library.plans[0]).toMatchObject({ version: 3, title: { zh: '改过的标题' } });
    // Both versions stay stored: runs of version 2 keep replaying against version 2.
    const db = new Database(join(work, 'console.sqlite'));
    expect(db.prepare('SELECT version FROM plan_versions ORDER BY version').all()).toEqual([{ version: 2 }, { version: 3 }]);
    db.close();
  });

  it('imports a plan file of a higher version, refuses one that is not, and exports the file as written', () => {
    const console = openConsole(new ManualClock());
    const exported = console.plans.exportFile('bridge-test');
    expect(exported).toEqual({ fileName: 'bridge-test.yaml', text: bridgeTestPlanYaml });
    const same = console.plans.importFile(plansDir, bridgeTestPlanYaml.replace('桥梁测试预案', '别的标题'));
    expect(same.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('already has version 2') })]);
    const broken = console.plans.importFile(plansDir, 'formatVersion: 1\nid: x\n  version: [\n');
    expect(broken.problems[0]).toMatchObject({ line: 2 });
    const newer = bridgeTestPlanYaml.replace('version: 2', 'version: 3').replace('桥梁测试预案', '桥梁测试预案（修订）');
    const imported = console.plans.importFile(plansDir, newer);
    expect(imported.problems).toEqual([]);
    expect(imported.library.plans[0]).toMatchObject({ id: 'bridge-test', version: 3, title: { zh: '桥梁测试预案（修订）' } });
    expect(readFileSync(join(plansDir, 'bridge-test.yaml'), 'utf8')).toBe(newer);
    console.runs.dispose();
  });
});
