import { describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../test/fixtures/plans/bridge-test-plan.js';
import { parsePlanFile } from './plan-file.js';
import { PlanIndex, decide, replay, startRun, tick } from './run-engine.js';
import type { Actor, RunCommand, RunEvent } from './run-model.js';
import { buildRunReport } from './run-report.js';

const operator: Actor = { kind: 'operator', name: '李娜', window: 'plans/x' };
const t0 = Date.parse('2026-11-27T02:00:00.000Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

function drill(script: (run: (command: RunCommand, s: number) => void, clock: (s: number) => void) => void) {
  const result = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
  if (!result.ok) throw new Error('fixture');
  const index = new PlanIndex(result.plan);
  const events: RunEvent[] = startRun(index, { runId: 'RUN-R', at: at(0), by: operator, mode: 'drill', drillId: 'DRILL-R', incident: null });
  const state = () => replay('RUN-R', index, events);
  script(
    (command, s) => {
      const decision = decide(index, state(), command, operator, at(s));
      if (!decision.ok) throw new Error(decision.reason);
      events.push(...decision.events);
    },
    (s) => events.push(...tick(index, state(), at(s))),
  );
  return buildRunReport({ origin: 'c', state: state(), plan: result.plan, events: events.map((event, i) => ({ seq: i + 1, event, origin: 'c' })) });
}

describe('run report', () => {
  it('scores a clean drill at 100 and measures each step against its limit', () => {
    const report = drill((run, clock) => {
      run({ type: 'complete', stepId: 'call-crew' }, 5);
      run({ type: 'acknowledge', stepId: 'inspect' }, 20);
      run({ type: 'complete', stepId: 'inspect' }, 200);
      run({ type: 'choose', stepId: 'close-bridge', optionId: 'keep-open' }, 210);
      clock(400);
    });
    expect(report).toMatchObject({ outcome: 'completed', mode: 'drill', drillId: 'DRILL-R', durationSeconds: 330 });
    expect(report.steps.find((step) => step.stepId === 'inspect')).toMatchObject({
      secondsToAcknowledge: 15,
      secondsToFinish: 195,
      limitSeconds: 300,
      withinLimit: true,
      escalatedTo: null,
    });
    expect(report.steps.find((step) => step.stepId === 'both')?.activatedAt).toBeNull();
    expect(report.score).toEqual({ total: 100, timeliness: 1, completeness: 1, discipline: 1 });
    expect(report.timeline.map((entry) => entry.type)).toContain('decision-made');
  });

  it('marks escalated and skipped steps and lowers the score for each', () => {
    const report = drill((run, clock) => {
      run({ type: 'skip', stepId: 'call-crew', reason: '班组已在现场' }, 5);
      clock(400);
      run({ type: 'complete', stepId: 'inspect' }, 410);
      run({ type: 'choose', stepId: 'close-bridge', optionId: 'keep-open' }, 420);
      clock(600);
    });
    expect(report.steps.find((step) => step.stepId === 'call-crew')).toMatchObject({ status: 'skipped', skipReason: '班组已在现场' });
    expect(report.steps.find((step) => step.stepId === 'inspect')).toMatchObject({ withinLimit: false, escalatedTo: 'commander' });
    // timeliness 0/1, completeness 3/4 (call-crew skipped), discipline 0.5 (escalated): 0 + 18.75 + 7.5.
    expect(report.score).toEqual({ total: 26, timeliness: 0, completeness: 0.75, discipline: 0.5 });
  });
});
