import { incidentSeverities } from './feed.js';

export type IncidentSeverity = (typeof incidentSeverities)[number];

/** Orders incident severities from minor to critical: negative when `a` is less severe than `b`, 0 when the same. */
export function compareSeverity(a: IncidentSeverity, b: IncidentSeverity): number {
  return incidentSeverities.indexOf(a) - incidentSeverities.indexOf(b);
}

/** Whether `severity` reaches `threshold` (a plan's minimum, the alarms that pop up). */
export function severityReaches(severity: IncidentSeverity, threshold: IncidentSeverity): boolean {
  return compareSeverity(severity, threshold) >= 0;
}
