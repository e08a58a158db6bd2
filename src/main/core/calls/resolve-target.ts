import type { CrewGroup } from '../../../shared/city/schemas.js';
import type { Crew } from '../../../shared/domain/directory.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import type { ResolvedTarget } from '../../../shared/dispatch/call-request.js';
import { nearestCrews } from '../../../shared/dispatch/nearest-crews.js';
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
 * sees who was not called and why); a drill calls its roster only. `nearest` follows the one rule of nearestCrews
 * (on duty, not busy, by distance from the incident).
 */
export function resolveTarget(target: PlanTarget, context: TargetContext): ResolvedTarget {
  const left: ResolvedTarget['left'] = [];
  // A crew or group named in the plan is rung even when busy (the plan chose them); only `nearest` looks for free crews.
  const keep = (candidates: readonly Crew[]): Crew[] =>
    candidates.filter((crew) => {
      const reason = crew.status === 'off-duty' ? 'off-duty' : context.drillRoster !== null && !context.drillRoster.has(crew.id) ? 'not-on-drill-roster' : null;
      if (reason !== null) left.push({ crewId: crew.id, name: crew.name, reason });
      return reason === null;
    });
  const byId = new Map(context.crews.map((crew) => [crew.id, crew]));

  if ('crew' in target) {
    const crew = byId.get(target.crew);
    return crew ? { crews: keep([crew]), left, unsupported: null } : { crews: [], left, unsupported: `no crew ${target.crew}` };
  }
  if ('group' in target) {
    const members = groupMembers(target.group, context, byId);
    if (members === null) return { crews: [], left, unsupported: `no group ${target.group}` };
    return { crews: keep(members), left, unsupported: null };
  }
  if ('nearest' in target) {
    const origin = context.incident?.position;
    if (!origin) return { crews: [], left, unsupported: 'nearest crews need an incident with a position' };
    const { speciality, count, withinKm } = target.nearest;
    const roster = context.drillRoster;
    const found = nearestCrews(
      context.crews.filter((crew) => speciality === undefined || crew.speciality === speciality),
      {
        from: origin,
        count,
        ...(withinKm === undefined ? {} : { withinMetres: withinKm * 1000 }),
        exclude: (crew) => (roster !== null && !roster.has(crew.id) ? 'not-on-drill-roster' : null),
      },
    );
    // The nearer ones left out are listed with their reason.
    left.push(...found.passedOver.map(({ crew, reason }) => ({ crewId: crew.id, name: crew.name, reason })));
    return { crews: found.chosen.map((entry) => entry.crew), left, unsupported: null };
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
