import { describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../test/fixtures/plans/bridge-test-plan.js';
import { parsePlanFile } from './plan-file.js';
import type { Plan } from './plan-schema.js';
import { PlanIndex, decide, nextDueAt, replay, startRun, tick } from './run-engine.js';
import type { Actor, RunEvent, RunState } from './run-model.js';


function plan(): Plan {
  const result = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

const operator: Actor = { kind: 'operator', name: '张伟', window: 'map' };
const t0 = '2026-11-27T02:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(t0) + seconds * 1000).toISOString();

class Run {
  readonly index = new PlanIndex(plan());
  readonly events: RunEvent[] = [];
  state: RunState;

  constructor() {
    this.events.push(...startRun(this.index, { runId: 'RUN-1', at: t0, by: operator, mode: 'live', drillId: null, incident: null }));
    this.state = replay('RUN-1', this.index, this.events);
  }

  command(command: Parameters<typeof decide>[2], seconds: number): RunEvent[] {
    const decision = decide(this.index, this.state, command, operator, at(seconds));
    if (!decision.ok) throw new Error(decision.reason);
    return this.apply(decision.events);
  }

  clock(seconds: number): RunEvent[] {
    return this.apply(tick(this.index, this.state, at(seconds)));
  }

  private apply(events: RunEvent[]): RunEvent[] {
    this.events.push(...events);
    this.state = replay('RUN-1', this.index, this.events);
    return events;
  }
}

describe('run engine', () => {
  it('starts at the first step and records what the action step asks for', () => {
    const run = new Run();
    expect(run.events.map((event) => event.type)).toEqual(['run-started', 'step-activated', 'action-requested']);
    expect(run.events[2]).toMatchObject({ action: { stepId: 'call-crew', kind: 'call', detail: { to: { role: 'bridgeCrew' }, media: 'audio' } } });
    expect(run.state.steps['call-crew']?.status).toBe('active');
  });

  it('acknowledges, escalates a missed time limit once, branches on a decision and finishes through a parallel block', () => {
    const run = new Run();
    run.command({ type: 'complete', stepId: 'call-crew' }, 10);
    expect(run.state.steps.inspect).toMatchObject({ status: 'active', limitAt: at(310) });
    run.command({ type: 'acknowledge', stepId: 'inspect' }, 20);
    expect(nextDueAt(run.state)).toBe(at(310));
    expect(run.clock(300)).toEqual([]);
    expect(run.clock(400)).toEqual([{ type: 'step-escalated', at: at(310), by: { kind: 'system' }, stepId: 'inspect', to: 'commander' }]);
    expect(run.clock(500)).toEqual([]);
    expect(nextDueAt(run.state)).toBeNull();
    run.command({ type: 'complete', stepId: 'inspect', note: '伸缩缝异常' }, 520);
    run.command({ type: 'choose', stepId: 'close-bridge', optionId: 'close' }, 530);
    expect(run.state.steps.traffic?.status).toBe('active');
    expect(run.state.steps['cool-off']).toMatchObject({ status: 'active', dueAt: at(590) });
    run.command({ type: 'complete', stepId: 'traffic' }, 540);
    expect(run.state.status).toBe('active');
    run.clock(600);
    expect(run.state.steps.remeasure?.status).toBe('active');
    run.command({ type: 'complete', stepId: 'remeasure' }, 700);
    expect(run.state.steps.both?.status).toBe('done');
    expect(run.state.steps.watch?.status).toBe('pending');
    expect(run.state).toMatchObject({ status: 'completed', finishedAt: at(700) });
  });

  it('takes the other branch of a decision', () => {
    const run = new Run();
    run.command({ type: 'complete', stepId: 'call-crew' }, 1);
    run.command({ type: 'complete', stepId: 'inspect' }, 2);
    run.command({ type: 'choose', stepId: 'close-bridge', optionId: 'keep-open' }, 3);
    expect(run.state.steps.both?.status).toBe('pending');
    run.clock(200);
    expect(run.state.status).toBe('completed');
  });

  it('refuses a repeated or impossible command, so a double click does nothing twice', () => {
    const run = new Run();
    run.command({ type: 'complete', stepId: 'call-crew' }, 1);
    const again = decide(run.index, run.state, { type: 'complete', stepId: 'call-crew' }, operator, at(2));
    expect(again).toEqual({ ok: false, reason: 'Step "call-crew" is not active (it is done).' });
    expect(decide(run.index, run.state, { type: 'choose', stepId: 'inspect', optionId: 'x' }, operator, at(2))).toMatchObject({ ok: false });
    expect(decide(run.index, run.state, { type: 'complete', stepId: 'nope' }, operator, at(2))).toMatchObject({ ok: false });
    run.command({ type: 'acknowledge', stepId: 'inspect' }, 3);
    expect(decide(run.index, run.state, { type: 'acknowledge', stepId: 'inspect' }, operator, at(4))).toMatchObject({ ok: false });
  });

  it('records a skipped step with its reason and moves on; an aborted run takes no more commands', () => {
    const run = new Run();
    run.command({ type: 'skip', stepId: 'call-crew', reason: '班组已在现场' }, 5);
    expect(run.events.at(-2)).toMatchObject({ type: 'step-skipped', reason: '班组已在现场', by: operator });
    expect(run.state.steps.inspect?.status).toBe('active');
    run.command({ type: 'abort', reason: '误报' }, 6);
    expect(run.state.status).toBe('aborted');
    expect(decide(run.index, run.state, { type: 'complete', stepId: 'inspect' }, operator, at(7))).toEqual({ ok: false, reason: 'The run is aborted.' });
  });

  it('is a pure fold: replaying the recorded events gives the same state at every point', () => {
    const run = new Run();
    run.command({ type: 'complete', stepId: 'call-crew' }, 1);
    run.clock(400);
    run.command({ type: 'complete', stepId: 'inspect' }, 401);
    run.command({ type: 'choose', stepId: 'close-bridge', optionId: 'close' }, 402);
    for (let cut = 1; cut <= run.events.length; cut += 1) {
      expect(replay('RUN-1', run.index, run.events.slice(0, cut)).eventCount).toBe(cut);
    }
    expect(replay('RUN-1', run.index, [...run.events])).toEqual(run.state);
  });
});
