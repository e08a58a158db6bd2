import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../../test/fixtures/plans/bridge-test-plan.js';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import type { Actor, RunIncident } from '../../../shared/plans/run-model.js';
import type { ActiveScene } from '../../../shared/wall/scenes.js';
import { openDatabase } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { PlanLibraryService } from '../plans/plan-library.js';
import { PlanRepository } from '../plans/plan-repository.js';
import { RunRepository } from '../plans/run-repository.js';
import { RunService } from '../plans/run-service.js';
import { Outbox } from '../sync/outbox.js';
import { wallFollowsRuns } from './run-scene-hook.js';
import { SceneRepository } from './scene-repository.js';
import { SceneService } from './scene-service.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';

const operator: Actor = { kind: 'operator', name: '张伟', window: 'plans/test' };
const bridgeIncident: RunIncident = {
  id: 'INC-BRIDGE',
  type: 'bridge-strain',
  title: '东水门长江大桥伸缩缝异响',
  severity: 'severe',
  position: [106.5871, 29.5563],
  districtAdcode: '500103',
};

let work: string;
let plansDir: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'zhili-scenes-'));
  plansDir = join(work, 'plans');
  mkdirSync(plansDir);
  writeFileSync(join(plansDir, 'bridge-test.yaml'), bridgeTestPlanYaml);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** One console process wired as console-core wires it: runs, scenes and the hook between them. */
function openConsole(clock: ManualClock) {
  const db = openDatabase({ file: join(work, 'console.sqlite'), migrations: consoleMigrations, logger: recordingLogger() });
  const outbox = new Outbox(db, clock);
  const plans = new PlanLibraryService(new PlanRepository(db), outbox, 'console-a', recordingLogger(), clock);
  plans.loadDirectory(plansDir);
  const shown: ActiveScene[] = [];
  const focused: string[] = [];
  const scenes = new SceneService(new SceneRepository(db, recordingLogger()), clock.now, (scene) => shown.push(scene), recordingLogger());
  const runs: RunService = new RunService(new RunRepository(db), plans, outbox, 'console-a', (view, transition) => transition && hook.transition(view, transition), recordingLogger(), clock);
  const hook = wallFollowsRuns({ scenes, runs, focus: (incidentId) => focused.push(incidentId), logger: recordingLogger() });
  runs.resumeActiveRuns();
  hook.reconcile();
  return { db, runs, scenes, shown, focused, close: () => (runs.dispose(), db.close()) };
}

describe('the wall follows plan runs', () => {
  it('puts up the emergency scene on the run’s incident when a live run starts and puts back the scene before when it ends', () => {
    const clock = new ManualClock('2026-07-01T02:00:00.000Z');
    const console = openConsole(clock);
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'normal-duty' }, appliedBy: 'system', cause: 'start-up', run: null });
    console.scenes.apply('flood-season', '李娜 (map/1)');

    const runId = console.runs.start({ planId: 'bridge-test', mode: 'live', incident: bridgeIncident, by: operator }).state.runId;
    expect(console.focused).toEqual(['INC-BRIDGE']);
    expect(console.scenes.active()).toMatchObject({
      scene: { id: 'emergency', map: { view: { center: [106.5871, 29.5563], zoom: 15 } }, video: { source: { kind: 'nearest-to-focus' } }, dispatch: { panel: 'run' } },
      appliedBy: '张伟 (plans/test)',
      cause: 'run-started',
      run: { runId, mode: 'live', planTitle: { zh: '桥梁测试预案' }, incidentId: 'INC-BRIDGE' },
    });

    console.runs.command(runId, { type: 'abort', reason: '误报' }, { ...operator, name: '王芳' });
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'flood-season' }, appliedBy: '王芳 (plans/test)', cause: 'run-ended', run: null });
    expect(console.shown.map((scene) => scene.scene.id)).toEqual(['flood-season', 'emergency', 'flood-season']);
    console.close();
  });

  it('a drill run without an incident also puts up the emergency scene, and its end by a timer reverts it', () => {
    const clock = new ManualClock('2026-07-01T02:00:00.000Z');
    const console = openConsole(clock);
    const runId = console.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state.runId;
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'emergency' }, run: { runId, mode: 'drill', incidentId: null } });
    expect(console.focused).toEqual([]);
    console.runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator);
    console.runs.command(runId, { type: 'complete', stepId: 'inspect' }, operator);
    console.runs.command(runId, { type: 'choose', stepId: 'close-bridge', optionId: 'keep-open' }, operator);
    expect(console.scenes.active().scene.id).toBe('emergency');
    clock.advance(121);
    expect(console.runs.view(runId).state.status).toBe('completed');
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'normal-duty' }, appliedBy: 'system', run: null });
    console.close();
  });

  it('with overlapping runs the newest holds the wall, the older takes it back, and the wall returns only after the last', () => {
    const clock = new ManualClock('2026-07-01T02:00:00.000Z');
    const console = openConsole(clock);
    console.scenes.apply('major-event', '李娜 (map/1)');
    const first = console.runs.start({ planId: 'bridge-test', mode: 'live', incident: bridgeIncident, by: operator }).state.runId;
    clock.advance(1);
    const second = console.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state.runId;
    expect(console.scenes.active().run?.runId).toBe(second);
    console.runs.command(second, { type: 'abort', reason: '演练结束' }, operator);
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'emergency', map: { view: { center: [106.5871, 29.5563] } } }, cause: 'run-handover', run: { runId: first } });
    console.runs.command(first, { type: 'abort', reason: '处置完毕' }, operator);
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'major-event' }, run: null });
    console.close();
  });

  it('leaves the wall alone at the run’s end when an operator chose another scene during the run', () => {
    const clock = new ManualClock('2026-07-01T02:00:00.000Z');
    const console = openConsole(clock);
    const runId = console.runs.start({ planId: 'bridge-test', mode: 'live', incident: bridgeIncident, by: operator }).state.runId;
    console.scenes.apply('flood-season', '李娜 (map/1)');
    console.runs.command(runId, { type: 'abort', reason: '误报' }, operator);
    expect(console.scenes.active()).toMatchObject({ scene: { id: 'flood-season' }, appliedBy: '李娜 (map/1)' });
    console.close();
  });

  it('keeps the emergency scene across a restart mid-run, and reverts when the run ends after it', () => {
    const clock = new ManualClock('2026-07-01T02:00:00.000Z');
    const before = openConsole(clock);
    before.scenes.apply('flood-season', '李娜 (map/1)');
    const runId = before.runs.start({ planId: 'bridge-test', mode: 'live', incident: bridgeIncident, by: operator }).state.runId;
    // The host dies: no clean shutdown beyond closing the file.
    before.close();

    const after = openConsole(clock);
    expect(after.scenes.active()).toMatchObject({ scene: { id: 'emergency' }, run: { runId } });
    after.runs.command(runId, { type: 'abort', reason: '处置完毕' }, operator);
    expect(after.scenes.active()).toMatchObject({ scene: { id: 'flood-season' }, run: null });
    after.close();
  });

  it('gives the wall back at start-up when the run holding it is no longer active', () => {
    const clock = new ManualClock('2026-07-01T02:00:00.000Z');
    const before = openConsole(clock);
    before.scenes.apply('major-event', '李娜 (map/1)');
    const runId = before.runs.start({ planId: 'bridge-test', mode: 'live', incident: bridgeIncident, by: operator }).state.runId;
    // Finished where this console did not see it happen (a hand repair of the database, say).
    before.db.prepare("UPDATE runs SET status = 'aborted' WHERE run_id = ?").run(runId);
    before.close();
    const after = openConsole(clock);
    expect(after.scenes.active()).toMatchObject({ scene: { id: 'major-event' }, appliedBy: 'system', run: null });
    after.close();
  });

  it('refuses to apply the emergency scene by hand and an unknown scene, and changes nothing', () => {
    const console = openConsole(new ManualClock('2026-07-01T02:00:00.000Z'));
    expect(() => console.scenes.apply('emergency', 'x')).toThrow(/put up by a plan run/);
    expect(() => console.scenes.apply('no-such-scene', 'x')).toThrow(/No scene/);
    expect(console.scenes.active().scene.id).toBe('normal-duty');
    expect(console.shown).toEqual([]);
    console.close();
  });
});
