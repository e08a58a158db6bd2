import type { Incident } from '../../../shared/domain/feed.js';
import { compareSeverity, severityReaches } from '../../../shared/domain/severity.js';
import type { AlarmPopup } from '../../../shared/domain/shared-state.js';

/** An incident reported longer ago than this when the console first hears of it is old news, not an alarm to pop up. */
const FRESH_FOR_MS = 2 * 60_000;
/** Alarms waiting at once; beyond this the least serious, then the newest, are dropped (the incident list keeps them). */
const MAX_WAITING = 20;
/** Incidents at least this serious take tiles of the wall. */
const POPS_FROM: Incident['severity'] = 'severe';

/**
 * Alarm pop-ups on the video wall (Genetec's alarm monitoring): each new severe or critical incident, raised by a
 * sensor or registered by an operator, waits here until it is handled: the operator confirms it, or its incident
 * closes. The wall shows the first, the most severe and then the oldest, so a newer alarm never pulls the reserved
 * tiles away from one the operator is handling.
 */
export class AlarmPopups {
  private readonly seen = new Set<string>();
  private waiting: AlarmPopup[] = [];

  /** The incident list changed; true when the waiting alarms did. */
  incidentsChanged(incidents: readonly Incident[], now: Date): boolean {
    const before = JSON.stringify(this.waiting);
    const open = new Map(incidents.filter((incident) => incident.state !== 'closed').map((incident) => [incident.id, incident]));
    // The backend's list is whole: an incident it no longer lists (a closed one pruned) never comes back to be told apart.
    const listed = new Set(incidents.map((incident) => incident.id));
    for (const id of this.seen) if (!listed.has(id)) this.seen.delete(id);
    this.waiting = this.waiting.filter((alarm) => open.has(alarm.incidentId));
    for (const incident of open.values()) {
      if (this.seen.has(incident.id)) continue;
      this.seen.add(incident.id);
      if (!severityReaches(incident.severity, POPS_FROM) || now.getTime() - Date.parse(incident.reportedAt) > FRESH_FOR_MS) continue;
      this.waiting.push({
        incidentId: incident.id,
        title: incident.title,
        severity: incident.severity,
        position: incident.position,
        raisedAt: incident.reportedAt,
        drill: incident.drillId !== null,
      });
    }
    this.waiting = this.waiting
      .sort((a, b) => compareSeverity(b.severity, a.severity) || a.raisedAt.localeCompare(b.raisedAt))
      .slice(0, MAX_WAITING);
    return JSON.stringify(this.waiting) !== before;
  }

  /** The operator handled it; false when it was not waiting. */
  acknowledge(incidentId: string): boolean {
    const count = this.waiting.length;
    this.waiting = this.waiting.filter((alarm) => alarm.incidentId !== incidentId);
    return this.waiting.length !== count;
  }

  /** Incidents it remembers having seen: no more than the backend lists, however long the console runs. */
  get remembered(): number {
    return this.seen.size;
  }

  list(): AlarmPopup[] {
    return [...this.waiting];
  }
}
