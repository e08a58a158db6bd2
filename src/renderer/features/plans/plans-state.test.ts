import { describe, expect, it } from 'vitest';
import type { RunSummary, RunView } from '../../../shared/plans/plan-views.js';
import { initialPlansState, orderedRuns, withRunView } from './plans-state.js';

const summary = (runId: string, status: RunSummary['status'], startedAt: string): RunSummary => ({
  runId,
  planId: 'p',
  planVersion: 1,
  title: { zh: '预案', en: 'Plan' },
  mode: 'live',
  drillId: null,
  status,
  startedAt,
  incident: null,
});

function view(runId: string, status: RunSummary['status']): RunView {
  return {
    origin: 'console-a',
    state: {
      runId,
      planId: 'p',
      planVersion: 1,
      mode: 'live',
      drillId: null,
      incident: null,
      status,
      startedAt: '2026-11-27T02:00:00.000Z',
      finishedAt: null,
      steps: {},
      branches: {},
      eventCount: 1,
    },
    plan: { title: { zh: '预案', en: 'Plan' } } as RunView['plan'],
    events: [],
  };
}

describe('plans state', () => {
  it('puts active runs first, newest first', () => {
    const runs = [summary('a', 'completed', '2026-11-27T03:00:00Z'), summary('b', 'active', '2026-11-27T01:00:00Z'), summary('c', 'active', '2026-11-27T02:00:00Z')];
    expect(orderedRuns(runs).map((run) => run.runId)).toEqual(['c', 'b', 'a']);
  });

  it('updates the summary of a changed run and the open console only when it shows that run', () => {
    const opened = { ...initialPlansState, openRun: view('a', 'active') };
    const changedOther = withRunView(opened, view('b', 'active'));
    expect(changedOther.openRun?.state.runId).toBe('a');
    expect(changedOther.runs.map((run) => run.runId)).toEqual(['b']);
    const changedOpen = withRunView(changedOther, view('a', 'completed'));
    expect(changedOpen.openRun?.state.status).toBe('completed');
    expect(changedOpen.runs.find((run) => run.runId === 'a')?.status).toBe('completed');
  });
});
