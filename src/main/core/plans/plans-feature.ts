import { randomBytes } from 'node:crypto';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { mayCommandRun, mayStartRun } from '../../../shared/identity/run-permissions.js';
import { plansForIncident, runIncidentOf } from '../../../shared/plans/plan-matching.js';
import type { RunView } from '../../../shared/plans/plan-views.js';
import type { CoreContext, CoreFeature } from '../core-context.js';
import { DrillScriptPlayer } from './drill-scripts.js';
import { PlanLibraryService } from './plan-library.js';
import { PlanRepository } from './plan-repository.js';
import { ProposalService } from './proposals.js';
import type { RecordOutbox } from './record-outbox.js';
import { RunRepository } from './run-repository.js';
import { RunService, type RunTransition } from './run-service.js';

type PlanMethods =
  | 'plans.library'
  | 'plans.get'
  | 'plans.import'
  | 'plans.export'
  | 'plans.forIncident'
  | 'runs.list'
  | 'runs.get'
  | 'runs.start'
  | 'runs.command'
  | 'runs.takeOver'
  | 'proposals.list'
  | 'proposals.dismiss'
  | 'drills.inject';

export interface PlansFeature extends CoreFeature<PlanMethods> {
  readonly library: Pick<PlanLibraryService, 'reloadLatest'>;
  readonly runs: Pick<RunService, 'remoteChanged' | 'activeRuns' | 'view'>;
  /** Loads the plan files and resumes the runs left active; called once everything that follows runs is wired. */
  start(): void;
}

/**
 * Emergency plans and their runs: the library (files and synced versions), live runs and drills with their scripts,
 * and the plans proposed for new incidents. `runTransition` is told of every start and end of a run this console drives.
 */
export function plansFeature(ctx: CoreContext, options: { plansDir: string; outbox: RecordOutbox; runTransition(view: RunView, transition: RunTransition): void }): PlansFeature {
  const { backend, info, hub, logger } = ctx;
  const plans = new PlanLibraryService(new PlanRepository(ctx.db), options.outbox, info.consoleId, logger.child('plans'), ctx.clock);
  const runs: RunService = new RunService(
    new RunRepository(ctx.db),
    plans,
    options.outbox,
    info.consoleId,
    (view, transition) => {
      hub.emit('runs.changed', view);
      if (view.origin === info.consoleId) drills.follow(view);
      if (transition) options.runTransition(view, transition);
    },
    logger.child('runs'),
    ctx.clock,
  );
  const drills = new DrillScriptPlayer(
    {
      view: (runId) => runs.view(runId),
      staged: (runId) => runs.drillInjections(runId),
      record: (runId, index, incidentId) => runs.recordDrillInjection(runId, index, incidentId),
      stage: (injection) => backend.call('incidents:inject-drill', injection),
    },
    ctx.clock,
    logger.child('drills'),
  );
  const proposals = new ProposalService(
    () => plans.latestPlans(),
    () => runs.incidentsWithRuns(),
    (list) => hub.emit('proposals.changed', list),
    ctx.clock,
  );
  const incidentFeed = hub.on('incidents.changed', (incidents) => proposals.incidentsChanged(incidents));
  const latestPlan = (planId: string) => {
    const plan = plans.latestPlan(planId);
    if (!plan) throw new ApiFailure(apiError('not-found', `No plan "${planId}".`));
    return plan;
  };

  return {
    library: plans,
    runs,
    start() {
      plans.loadDirectory(options.plansDir);
      runs.resumeActiveRuns();
      for (const runId of runs.activeDrillRuns()) drills.follow(runs.view(runId));
    },
    handlers: {
      'plans.library': () => plans.library(),
      'plans.get': ({ planId }) => latestPlan(planId),
      'plans.import': ({ text }, caller) => {
        const outcome = plans.importFile(options.plansDir, text);
        ctx.audit(caller, 'plan import', { problems: outcome.problems.length });
        return outcome;
      },
      'plans.export': ({ planId }) => {
        try {
          return plans.exportFile(planId);
        } catch {
          throw new ApiFailure(apiError('not-found', `No plan "${planId}".`));
        }
      },
      'plans.forIncident': async ({ incidentId }) => plansForIncident(plans.library().plans, await ctx.incident(incidentId)),
      'runs.list': () => runs.list(),
      'runs.get': ({ runId }) => runs.view(runId),
      'runs.start': async ({ planId, incidentId, mode }, caller) => {
        const found = incidentId === null ? null : await ctx.incident(incidentId);
        const plan = plans.latestPlan(planId);
        const refusal = mayStartRun(caller.principal, mode, { planMinSeverity: plan?.minSeverity ?? 'minor', incidentSeverity: found?.severity ?? null });
        if (refusal) throw new ApiFailure(refusal);
        if (found?.drillId && mode !== 'drill') {
          throw new ApiFailure(apiError('conflict', `Incident ${found.id} belongs to drill ${found.drillId}: only a drill run may act on it.`));
        }
        const view = runs.start({ planId, mode, incident: found && runIncidentOf(found), by: ctx.actorOf(caller), drillId: found?.drillId ?? null });
        if (found) proposals.launched(found.id);
        return view;
      },
      'runs.command': ({ runId, command }, caller) => {
        const refusal = mayCommandRun(caller.principal, runs.view(runId).state.mode);
        if (refusal) throw new ApiFailure(refusal);
        return runs.command(runId, command, ctx.actorOf(caller));
      },
      'runs.takeOver': ({ runId, reason }, caller) => runs.takeOver(runId, reason, ctx.actorOf(caller), (record) => backend.call('sync:push', [record])),
      'proposals.list': () => proposals.list(),
      'proposals.dismiss': ({ incidentId, planId }, caller) => {
        ctx.audit(caller, 'proposal dismissed', { incidentId, planId });
        return proposals.dismiss(incidentId, planId);
      },
      'drills.inject': async ({ planId }, caller) => {
        const plan = latestPlan(planId);
        const trigger = plan.triggers[0];
        const sensorKind = trigger?.sensorKind ?? plan.incidentTypes[0] ?? '';
        const drillId = `DRILL-${ctx.clock.now().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
        const injected = await backend.call('incidents:inject-drill', { drillId, sensorKind, ...(trigger?.riskGrades?.[0] ? { riskGrade: trigger.riskGrades[0] } : {}) });
        ctx.audit(caller, 'drill incident injected', { planId, drillId, incidentId: injected.id });
        return injected;
      },
    },
    dispose() {
      incidentFeed.dispose();
      drills.dispose();
      runs.dispose();
    },
  };
}
