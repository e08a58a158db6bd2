import type { Incident } from '../domain/feed.js';
import { severityReaches } from '../domain/severity.js';
import type { Plan } from './plan-schema.js';
import type { PlanSummary } from './plan-views.js';
import type { RunIncident } from './run-model.js';

/**
 * The plans offered for an incident, best first: plans written for its type, those whose severity threshold the
 * incident reaches ahead of the others, then by title for a stable order. Plans for other types are not offered.
 */
export function plansForIncident(plans: readonly PlanSummary[], incident: Pick<Incident, 'type' | 'severity'>): PlanSummary[] {
  return plans
    .filter((plan) => plan.incidentTypes.includes(incident.type))
    .map((plan) => ({ plan, reaches: severityReaches(incident.severity, plan.minSeverity) ? 0 : 1 }))
    .sort((a, b) => a.reaches - b.reaches || a.plan.title.zh.localeCompare(b.plan.title.zh, 'zh-CN'))
    .map(({ plan }) => plan);
}

export function runIncidentOf(incident: Incident): RunIncident {
  return {
    id: incident.id,
    type: incident.type,
    title: incident.title,
    severity: incident.severity,
    position: incident.position,
    districtAdcode: incident.districtAdcode,
  };
}

/**
 * Plans whose automatic triggers an incident meets: an alarm of the trigger's sensor kind (an alarm also meets a
 * warning trigger), at a listed risk grade and district where the trigger names them. A trigger only proposes; the
 * operator's click launches.
 */
export function triggeredPlans(plans: readonly Plan[], incident: Pick<Incident, 'type' | 'riskGrade' | 'districtAdcode'>): Plan[] {
  return plans.filter((plan) =>
    plan.triggers.some(
      (trigger) =>
        trigger.sensorKind === incident.type &&
        (trigger.riskGrades === undefined || (incident.riskGrade !== null && trigger.riskGrades.includes(incident.riskGrade))) &&
        (trigger.districts === undefined || trigger.districts.includes(incident.districtAdcode)),
    ),
  );
}
