import type { PlanLibrary, RunSummary, RunView } from '../../../shared/plans/plan-views.js';

/** The plans screen's data: serialisable, updated only by the pure functions below. */
export interface PlansState {
  library: PlanLibrary | null;
  runs: RunSummary[];
  /** The run open in the run console, with its full history. */
  openRun: RunView | null;
  error: string | null;
}

export const initialPlansState: PlansState = { library: null, runs: [], openRun: null, error: null };

/** A run changed (here or in another window): refresh its summary, and the console if it shows that run. */
export function withRunView(state: PlansState, view: RunView): PlansState {
  const summary: RunSummary = {
    runId: view.state.runId,
    planId: view.state.planId,
    planVersion: view.state.planVersion,
    title: view.plan.title,
    mode: view.state.mode,
    drillId: view.state.drillId,
    status: view.state.status,
    startedAt: view.state.startedAt,
    incident: view.state.incident,
  };
  const others = state.runs.filter((run) => run.runId !== summary.runId);
  return {
    ...state,
    runs: [summary, ...others].sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    openRun: state.openRun?.state.runId === view.state.runId ? view : state.openRun,
  };
}

/** Active runs first (newest first), then finished ones. */
export function orderedRuns(runs: readonly RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active') || b.startedAt.localeCompare(a.startedAt));
}
