import type { CrewStatus } from '../domain/directory.js';
import { distanceMetres, type LngLat } from '../domain/geo.js';

/** What the rule needs to know of a crew; callers pass their own crew objects and get them back. */
export interface CrewCandidate {
  id: string;
  status: CrewStatus;
  /** Where the crew is now; a crew without a position cannot be ranked and is never chosen. */
  position: LngLat | null;
}

/** Why a crew nearer than those chosen was not chosen: the rule's own reasons, or the caller's (a drill roster, say). */
export type PassedOverReason<Extra extends string = never> = 'off-duty' | 'busy' | Extra;

export interface NearestCrewsQuery<C extends CrewCandidate, Extra extends string> {
  /** Where the crews are needed (the incident). */
  from: LngLat;
  /** How many crews to choose at most. */
  count: number;
  /** Crews farther than this are not considered; no limit when absent. */
  withinMetres?: number;
  /** A further reason a crew may not be chosen here, or null when it may. */
  exclude?: (crew: C) => Extra | null;
}

export interface NearestCrews<C, Extra extends string = never> {
  /** Nearest first. */
  chosen: { crew: C; distanceMetres: number }[];
  /** The crews ranked before the last one chosen (all ranked crews when fewer than `count` were found) that were not chosen, nearest first, with why. */
  passedOver: { crew: C; distanceMetres: number; reason: PassedOverReason<Extra> }[];
}

/**
 * The one rule for "the nearest crews to send": crews with a position within range are ranked by great-circle
 * distance (equal distances by crew id, so every caller ranks them alike), and the first `count` that are on duty,
 * not busy and not excluded are chosen. Those passed over on the way are listed with their reason, so an operator
 * sees who was nearer and why they were not called.
 */
export function nearestCrews<C extends CrewCandidate, Extra extends string = never>(
  crews: readonly C[],
  query: NearestCrewsQuery<C, Extra>,
): NearestCrews<C, Extra> {
  const ranked = crews
    .flatMap((crew) => (crew.position === null ? [] : [{ crew, distanceMetres: distanceMetres(query.from, crew.position) }]))
    .filter((entry) => query.withinMetres === undefined || entry.distanceMetres <= query.withinMetres)
    .sort((a, b) => a.distanceMetres - b.distanceMetres || (a.crew.id < b.crew.id ? -1 : a.crew.id > b.crew.id ? 1 : 0));
  const result: NearestCrews<C, Extra> = { chosen: [], passedOver: [] };
  for (const entry of ranked) {
    if (result.chosen.length >= query.count) break;
    const reason: PassedOverReason<Extra> | null =
      entry.crew.status === 'off-duty' ? 'off-duty' : entry.crew.status === 'busy' ? 'busy' : (query.exclude?.(entry.crew) ?? null);
    if (reason === null) result.chosen.push(entry);
    else result.passedOver.push({ ...entry, reason });
  }
  return result;
}
