import type { Incident } from '../../../shared/domain/feed.js';
import { triggeredPlans } from '../../../shared/plans/plan-matching.js';
import type { Proposal } from '../../../shared/plans/plan-views.js';
import type { Plan } from '../../../shared/plans/plan-schema.js';
import type { Clock } from '../clock/index.js';

/**
 * Plans proposed by automatic triggers. Derived from the incidents and the runs, so nothing needs storing: after a
 * restart the open incidents propose again, minus those that already have a run and the proposals dismissed here.
 */
export class ProposalService {
  private proposals: Proposal[] = [];
  private readonly dismissed = new Set<string>();

  constructor(
    private readonly plans: () => Plan[],
    private readonly incidentsWithRuns: () => Set<string>,
    private readonly onChange: (proposals: Proposal[]) => void,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  list(): Proposal[] {
    return this.proposals;
  }

  /** Recomputes from the backend's current incident list. */
  incidentsChanged(incidents: readonly Incident[]): void {
    const previous = new Map(this.proposals.map((proposal) => [key(proposal.incidentId, proposal.planId), proposal]));
    const next: Proposal[] = [];
    const answered = this.incidentsWithRuns();
    // A dismissal outlives no incident that is open: the set stays as small as the open incidents.
    const open = new Set(incidents.filter((incident) => incident.state !== 'closed').map((incident) => incident.id));
    for (const dismissal of this.dismissed) if (!open.has(dismissal.slice(0, dismissal.indexOf(' ')))) this.dismissed.delete(dismissal);
    for (const incident of incidents) {
      if (incident.state === 'closed' || answered.has(incident.id)) continue;
      for (const plan of triggeredPlans(this.plans(), incident)) {
        const id = key(incident.id, plan.id);
        if (this.dismissed.has(id)) continue;
        next.push(
          previous.get(id) ?? {
            incidentId: incident.id,
            incidentTitle: incident.title,
            planId: plan.id,
            planTitle: plan.title,
            drillId: incident.drillId,
            proposedAt: this.clock.now().toISOString(),
          },
        );
      }
    }
    this.replace(next);
  }

  dismiss(incidentId: string, planId: string): Proposal[] {
    this.dismissed.add(key(incidentId, planId));
    this.replace(this.proposals.filter((proposal) => key(proposal.incidentId, proposal.planId) !== key(incidentId, planId)));
    return this.proposals;
  }

  /** Dismissals it keeps (no more than the open incidents' proposals). */
  get dismissals(): number {
    return this.dismissed.size;
  }

  /** A run started for the incident: its proposals are answered. */
  launched(incidentId: string): void {
    this.replace(this.proposals.filter((proposal) => proposal.incidentId !== incidentId));
  }

  private replace(next: Proposal[]): void {
    const same = next.length === this.proposals.length && next.every((proposal, index) => proposal === this.proposals[index]);
    if (same) return;
    this.proposals = next;
    this.onChange(next);
  }
}

function key(incidentId: string, planId: string): string {
  return `${incidentId} ${planId}`;
}
