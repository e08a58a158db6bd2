import { RoleSchema, type Role } from '../domain/roles.js';

/**
 * The kiosk tour: one browser window that shows several roles in turn, for a wall controller that drives fewer
 * monitors than there are roles (`/tour?roles=map,video&dwell=10`).
 */
export const TOUR_PATH = '/tour';
/** Shorter than this and a viewer cannot read a screen before it goes (and the map never finishes drawing). */
export const MIN_DWELL_SECONDS = 3;
export const MAX_DWELL_SECONDS = 3600;
export const DEFAULT_DWELL_SECONDS = 15;
const MAX_TOUR_STOPS = 12;
/** Parameters a tour URL may carry besides its own: the window's screen key and the web host's access token. */
const passThrough = new Set(['screen', 'token']);

export type TourProblem =
  | { kind: 'roles-missing' }
  | { kind: 'role-unknown'; value: string }
  | { kind: 'too-many-stops'; value: string }
  | { kind: 'dwell-invalid'; value: string }
  | { kind: 'dwell-out-of-range'; value: string }
  | { kind: 'unknown-parameter'; value: string };

export type TourPlan = { ok: true; roles: Role[]; dwellSeconds: number } | { ok: false; problems: TourProblem[] };

/**
 * Every problem of a tour URL at once, so one look at the page says all that needs fixing. `query`: the URL's query
 * parameters, decoded (`[...new URLSearchParams(location.search)]`); the first of a repeated name counts.
 */
export function parseTourParams(query: readonly (readonly [string, string])[]): TourPlan {
  const params = new Map<string, string>();
  for (const [name, value] of query) if (!params.has(name)) params.set(name, value);
  const problems: TourProblem[] = [];
  for (const name of params.keys()) {
    if (name !== 'roles' && name !== 'dwell' && !passThrough.has(name)) problems.push({ kind: 'unknown-parameter', value: name });
  }
  const rolesText = params.get('roles')?.trim() ?? '';
  const roles: Role[] = [];
  if (rolesText === '') {
    problems.push({ kind: 'roles-missing' });
  } else {
    const names = rolesText.split(',').map((name) => name.trim());
    if (names.length > MAX_TOUR_STOPS) problems.push({ kind: 'too-many-stops', value: String(names.length) });
    for (const name of names) {
      const role = RoleSchema.safeParse(name);
      if (role.success) roles.push(role.data);
      else problems.push({ kind: 'role-unknown', value: name });
    }
  }
  let dwellSeconds = DEFAULT_DWELL_SECONDS;
  const dwellText = params.get('dwell');
  if (dwellText !== undefined) {
    const value = Number(dwellText.trim());
    if (dwellText.trim() === '' || !Number.isFinite(value)) problems.push({ kind: 'dwell-invalid', value: dwellText });
    else if (value < MIN_DWELL_SECONDS || value > MAX_DWELL_SECONDS) problems.push({ kind: 'dwell-out-of-range', value: dwellText });
    else dwellSeconds = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, roles, dwellSeconds };
}

export function isTourPath(pathname: string): boolean {
  return pathname === TOUR_PATH;
}
