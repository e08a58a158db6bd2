import { describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../../test/fixtures/plans/bridge-test-plan.js';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { parsePlanFile } from '../../../shared/plans/plan-file.js';
import type { Actor, RunEvent, RunIncident } from '../../../shared/plans/run-model.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { PlanRepository } from './plan-repository.js';
import { RunRepository, type NewRun } from './run-repository.js';

const operator: Actor = { kind: 'operator', name: '张伟', window: 'plans/test' };
const incident: RunIncident = { id: 'INC-1', type: 'bridge-strain', title: '大桥应变超限', severity: 'severe', position: [106.58, 29.55], districtAdcode: '500103' };

function repository(): RunRepository {
  const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: recordingLogger() });
  const parsed = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
  if (!parsed.ok) throw new Error('fixture plan does not parse');
  // Runs refer to a stored plan version.
  new PlanRepository(db).insert({ plan: parsed.plan, sourceFile: 'bridge-test.yaml', sourceSha256: 'x', sourceText: null, originConsole: 'console-a', storedAt: new Date() });
  return new RunRepository(db);
}

function run(runId: string, startedAt: string, overrides: Partial<NewRun> = {}): NewRun {
  return { runId, planId: 'bridge-test', planVersion: 2, mode: 'live', drillId: null, startedAt, originConsole: 'console-a', ...overrides };
}

function started(entry: NewRun, withIncident: RunIncident | null = null): RunEvent {
  return { type: 'run-started', at: entry.startedAt, by: operator, planId: entry.planId, planVersion: entry.planVersion, mode: entry.mode, drillId: entry.drillId, incident: withIncident };
}

describe('RunRepository', () => {
  it('stores a run once and finds it with its driver', () => {
    const runs = repository();
    const first = run('RUN-1', '2026-12-06T01:00:00.000Z');
    expect(runs.insert(first)).toBe(true);
    expect(runs.insert({ ...first, originConsole: 'console-b' })).toBe(false);
    expect(runs.find('RUN-1')).toEqual({ runId: 'RUN-1', planId: 'bridge-test', planVersion: 2, originConsole: 'console-a' });
    expect(runs.find('RUN-2')).toBeUndefined();
    runs.setDriver('RUN-1', 'console-b', '2026-12-06T01:05:00.000Z');
    expect(runs.find('RUN-1')?.originConsole).toBe('console-b');
  });

  it('appends events in order, never twice under one number, and tells a held event from a different one', () => {
    const runs = repository();
    const entry = run('RUN-1', '2026-12-06T01:00:00.000Z');
    runs.insert(entry);
    const acknowledged: RunEvent = { type: 'step-acknowledged', at: '2026-12-06T01:01:00.000Z', by: operator, stepId: 'inspect' };
    runs.appendEvent('RUN-1', 1, started(entry), 'console-a');
    runs.appendEvent('RUN-1', 2, acknowledged, 'console-b');
    expect(runs.eventCount('RUN-1')).toBe(2);
    expect(runs.events('RUN-1')).toEqual([
      { seq: 1, event: started(entry), origin: 'console-a' },
      { seq: 2, event: acknowledged, origin: 'console-b' },
    ]);
    expect(() => runs.appendEvent('RUN-1', 2, acknowledged, 'console-a')).toThrow(/UNIQUE|PRIMARY KEY/);
    // Key order means nothing; a different value does.
    const { stepId, ...rest } = acknowledged;
    expect(runs.holdsEvent('RUN-1', 2, { stepId, ...rest } as RunEvent)).toBe(true);
    expect(runs.holdsEvent('RUN-1', 2, { ...acknowledged, stepId: 'call-crew' })).toBe(false);
    expect(runs.holdsEvent('RUN-1', 3, acknowledged)).toBe(false);
  });

  it('lists the active runs a console drives, oldest first, and drills apart', () => {
    const runs = repository();
    runs.insert(run('RUN-B', '2026-12-06T02:00:00.000Z'));
    runs.insert(run('RUN-A', '2026-12-06T01:00:00.000Z', { mode: 'drill', drillId: 'DRILL-A' }));
    runs.insert(run('RUN-C', '2026-12-06T03:00:00.000Z', { originConsole: 'console-b' }));
    runs.insert(run('RUN-D', '2026-12-06T00:00:00.000Z'));
    runs.setStatus('RUN-D', 'completed', '2026-12-06T04:00:00.000Z');
    expect(runs.activeRunIds('console-a')).toEqual(['RUN-A', 'RUN-B']);
    expect(runs.activeRunIds('console-a', 'drill')).toEqual(['RUN-A']);
    expect(runs.activeRunIds('console-b')).toEqual(['RUN-C']);
  });

  it('lists the latest runs, newest first, with the incident each was started for', () => {
    const runs = repository();
    const older = run('RUN-1', '2026-12-06T01:00:00.000Z');
    const newer = run('RUN-2', '2026-12-06T02:00:00.000Z', { mode: 'drill', drillId: 'DRILL-2' });
    for (const [entry, withIncident] of [[older, incident], [newer, null]] as const) {
      runs.insert(entry);
      runs.appendEvent(entry.runId, 1, started(entry, withIncident), 'console-a');
    }
    runs.setStatus('RUN-1', 'aborted', '2026-12-06T01:30:00.000Z');
    expect(runs.latest(10)).toEqual([
      { runId: 'RUN-2', planId: 'bridge-test', planVersion: 2, originConsole: 'console-a', mode: 'drill', drillId: 'DRILL-2', status: 'active', startedAt: newer.startedAt, incident: null },
      { runId: 'RUN-1', planId: 'bridge-test', planVersion: 2, originConsole: 'console-a', mode: 'live', drillId: null, status: 'aborted', startedAt: older.startedAt, incident },
    ]);
    expect(runs.latest(1).map((listed) => listed.runId)).toEqual(['RUN-2']);
    expect(runs.incidentsWithRuns()).toEqual(new Set(['INC-1']));
  });

  it('commits a transaction whole or not at all', () => {
    const runs = repository();
    expect(() =>
      runs.transaction(() => {
        runs.insert(run('RUN-1', '2026-12-06T01:00:00.000Z'));
        throw new Error('the change fails half-way');
      }),
    ).toThrow(/half-way/);
    expect(runs.find('RUN-1')).toBeUndefined();
  });
});
