import type { CityRegistry } from '../registry/index.js';

/** Seconds an incident spends in each state before the simulated crews move it on. */
const INCIDENT_STAGE_SECONDS = [20, 20, 40, 60, 30] as const;
const incidentFlow = ['reported', 'registered', 'dispatched', 'handling', 'verifying', 'closed'] as const;

/**
 * The demo's simulated crews working the alarms the simulated sensors raised, through the case cycle to closed, as
 * people would through the backend's methods. Drill incidents, operators' and other systems' reports are left to
 * people. It runs beside the registry (the embedded default), so it is not one of the devices the simulator publishes.
 */
export class SimulatedCaseWork {
  constructor(private readonly registry: CityRegistry) {}

  step(now: Date): void {
    for (const incident of this.registry.incidentList()) {
      if (incident.state === 'closed' || incident.source !== 'sensor' || incident.drillId !== null || !incident.synthetic) continue;
      const stage = incidentFlow.indexOf(incident.state);
      const due = Date.parse(incident.updatedAt) + (INCIDENT_STAGE_SECONDS[stage] ?? 30) * 1000;
      if (now.getTime() < due) continue;
      this.registry.advanceIncident(incident.id, incidentFlow[stage + 1] ?? 'closed', now);
    }
  }
}
