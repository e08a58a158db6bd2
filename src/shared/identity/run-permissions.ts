import type { ApiError } from '../contract/errors.js';
import { apiError } from '../contract/errors.js';
import type { Principal } from './principal.js';

/**
 * Who may start a run: anyone on the floor may start a drill; a drill director only drills; a live run answering
 * the highest level (the plan's, or its incident's severity: 特别重大 critical) needs the commander.
 */
export function mayStartRun(principal: Principal, mode: 'live' | 'drill', level: { planMinSeverity: string; incidentSeverity: string | null }): ApiError | null {
  if (principal.kind !== 'user') return apiError('forbidden', 'Only a signed-in operator starts a run.');
  if (mode === 'drill') return null;
  const roles = principal.roles;
  if (!roles.some((role) => role === 'duty-operator' || role === 'dispatcher' || role === 'commander')) {
    return apiError('forbidden', 'A live plan is launched by a duty operator, dispatcher or commander; a drill director runs drills only.');
  }
  const highest = [level.planMinSeverity, level.incidentSeverity].some((severity) => severity === 'critical');
  if (highest && !roles.includes('commander')) return apiError('forbidden', 'Only the commander launches a live plan of the highest level (critical).');
  return null;
}

/** A drill director commands drill runs only; a live run is commanded by the floor. */
export function mayCommandRun(principal: Principal, mode: 'live' | 'drill'): ApiError | null {
  if (principal.kind !== 'user') return apiError('forbidden', 'Only a signed-in operator commands a run.');
  if (mode === 'live' && !principal.roles.some((role) => role === 'duty-operator' || role === 'dispatcher' || role === 'commander')) {
    return apiError('forbidden', 'A drill director commands drill runs only.');
  }
  return null;
}
