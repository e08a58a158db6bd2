import type { CrewGroup } from '../../../shared/city/schemas.js';
import type { Crew } from '../../../shared/domain/directory.js';
import { distanceMetres, type LngLat } from '../../../shared/domain/geo.js';
import type { ResolvedTarget } from '../../../shared/dispatch/call-request.js';
import type { PlanTarget } from '../../../shared/plans/plan-schema.js';

export interface TargetContext {
  crews: readonly Crew[];
  groups: readonly CrewGroup[];
  /** The incident the run is about: `nearest` measures from it, `district:incident` takes its district. */
  incident: { position: LngLat; districtAdcode: string | null } | null;
  /** Set for a drill: only these crews may be called. */
  drillRoster: ReadonlySet<string> | null;
}

/**
 * Turns a plan's call target into the crews to ring now. Crews off duty are left out (and listed, so the operator
 * sees who was not called and why); a drill calls its roster only. `nearest` ranks on-duty crews that are not busy by
 * distance from the incident.
 */
export function resolveTarget(target: PlanTarget, context: TargetContext): ResolvedTarget {
  const left: ResolvedTarget['left'] = [];
  const keep = (candidates: readonly Crew[], skipBusy: boolean): Crew[] =>
    candidates.filter((crew) => {
      const reason =
        crew.status === 'off-duty'
          ? 'off-duty'
          : skipBusy && crew.status === 'busy'
            ? 'busy'
            : context.drillRoster !== null && !context.drillRoster.has(crew.id)
              ? 'not-on-drill-roster'
              : null;
      if (reason !== null) left.push({ crewId: crew.id, name: crew.name, reason });
      return reason === null;
    });
  const byId = new Map(context.crews.map((crew) => [crew.id, crew]));

  if ('crew' in target) {
    const crew = byId.get(target.crew);
    return crew ? { crews: keep([crew], false), left, unsupported: null } : { crews: [], left, unsupported: `no crew ${target.crew}` };
  }
  if ('group' in target) {
    const members = groupMembers(target.group, context, byId);
    if (members === null) return { crews: [], left, unsupported: `no group ${target.group}` };
    return { crews: keep(members, false), left, unsupported: null };
  }
  if ('nearest' in target) {
    const origin = context.incident?.position;
    if (!origin) return { crews: [], left, unsupported: 'nearest crews need an incident with a position' };
    const { speciality, count, withinKm } = target.nearest;
    const ranked = context.crews
      .filter((crew) => crew.position !== null && (speciality === undefined || crew.speciality === speciality))
      .map((crew) => ({ crew, km: distanceMetres(origin, crew.position as LngLat) / 1000 }))
      .filter((entry) => withinKm === undefined || entry.km <= withinKm)
      .sort((a, b) => a.km - b.km);
    // Take the nearest `count` of those that may be called; the nearer ones left out are listed with their reason.
    const chosen: Crew[] = [];
    for (const { crew } of ranked) {
      if (chosen.length === count) break;
      chosen.push(...keep([crew], true));
    }
    return { crews: chosen, left, unsupported: null };
  }
  return { crews: [], left, unsupported: `the centre role ${target.role} is called from the duty roster, not the crew directory` };
}

function groupMembers(group: string, context: TargetContext, byId: ReadonlyMap<string, Crew>): Crew[] | null {
  if (group.startsWith('speciality:')) {
    const key = group.slice('speciality:'.length);
    return context.crews.filter((crew) => crew.speciality === key);
  }
  if (group === 'district:incident') {
    const district = context.incident?.districtAdcode;
    return district ? context.crews.filter((crew) => crew.districtAdcode === district) : null;
  }
  const entry = context.groups.find((candidate) => candidate.id === group);
  return entry ? entry.crewIds.flatMap((id) => byId.get(id) ?? []) : null;
}
