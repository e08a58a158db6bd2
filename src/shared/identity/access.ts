import type { ApiEventName, ApiMethodName } from '../contract/api.js';
import { apiError, type ApiError } from '../contract/errors.js';
import type { OperatorRole } from './operator-roles.js';
import type { Principal } from './principal.js';

/**
 * Who may call a method. A grant is one of:
 * - `anyone`: callers not signed in too (what the sign-in page needs);
 * - `user`: any signed-in user whose session is not locked, whatever their roles;
 * - `locked`: any signed-in user, also while their session is locked (what keeps a locked wall showing);
 * - `screen`: a kiosk wall screen's credential (viewing only);
 * - `crew-own`: a crew terminal's credential, for its own crew only (the params' `crewId`);
 * - an operator role: a user holding it, session not locked.
 */
export type Grant = 'anyone' | 'user' | 'locked' | 'screen' | 'crew-own' | OperatorRole;

/** What every wall window reads: users (locked too) and kiosk screens. */
const VIEW: readonly Grant[] = ['locked', 'screen'];
/** Operators on the floor acting on incidents and the wall. */
const FLOOR: readonly Grant[] = ['duty-operator', 'dispatcher', 'commander', 'drill-director'];
/** Calls to crews: a drill director calls the drill roster in drills. */
const CALLERS: readonly Grant[] = ['dispatcher', 'commander', 'duty-operator', 'drill-director'];

/**
 * The one table of who may do what, by contract method. A method missing here is a compile error, and the role
 * matrix test calls every method as every kind of caller against it. Rules that depend on the data a call touches
 * (a live plan of the highest level, a drill director on a live run) are checked by the service, with the same roles
 * (see run-permissions.ts).
 */
export const methodAccess: { readonly [M in ApiMethodName]: readonly Grant[] } = {
  'host.info': ['anyone'],
  'session.current': ['anyone'],
  'session.signIn': ['anyone'],
  'session.redeem': ['anyone'],
  'session.signOut': ['locked', 'screen', 'crew-own'],
  'session.lock': ['user'],
  'session.unlock': ['locked'],
  'session.changePassword': ['user'],
  'users.list': ['administrator'],
  'users.save': ['administrator'],
  'credentials.list': ['administrator'],
  'credentials.issue': ['administrator'],
  'credentials.revoke': ['administrator'],
  'backend.status': VIEW,
  'settings.get': VIEW,
  // Language and theme are each operator's; the service refuses anything else to a non-administrator.
  'settings.update': ['user'],
  'city.basemap': VIEW,
  'city.about': VIEW,
  'cameras.near': VIEW,
  'cameras.group': VIEW,
  'cameras.streams': VIEW,
  'cameras.ptz': ['duty-operator', 'dispatcher', 'commander'],
  'snapshots.save': FLOOR,
  'snapshots.list': VIEW,
  'snapshots.image': VIEW,
  'webrtc.capabilities': VIEW,
  'webrtc.open': VIEW,
  'webrtc.connect': VIEW,
  'webrtc.close': VIEW,
  'cameras.search': VIEW,
  'cameras.catalogue': VIEW,
  'alarms.acknowledge': FLOOR,
  // Operators send cameras to the wall; the wall's kiosk screens, which only view, play them.
  'wallPlay.request': FLOOR,
  'wallPlay.claim': VIEW,
  'shared.get': VIEW,
  'shared.focusIncident': FLOOR,
  'shared.select': FLOOR,
  'directory.crews': VIEW,
  'feed.summary': VIEW,
  'sensors.abnormal': VIEW,
  'sensors.history': VIEW,
  'incidents.list': VIEW,
  'incidents.report': ['duty-operator', 'dispatcher', 'commander'],
  // Who watches that the city's feeds arrive: the duty operator on the floor, the commander, and administrators who add sources.
  'ingest.stats': ['duty-operator', 'commander', 'administrator'],
  'plans.library': VIEW,
  'plans.get': VIEW,
  'plans.import': ['commander', 'administrator'],
  'plans.export': VIEW,
  'plans.forIncident': VIEW,
  'runs.list': VIEW,
  'runs.get': VIEW,
  'runs.start': FLOOR,
  'runs.command': FLOOR,
  'runs.takeOver': ['commander', 'duty-operator', 'drill-director'],
  'sync.status': VIEW,
  'proposals.list': VIEW,
  'proposals.dismiss': ['duty-operator', 'dispatcher', 'commander'],
  'drills.inject': ['drill-director'],
  'scenes.list': VIEW,
  'scenes.apply': ['duty-operator', 'dispatcher', 'commander'],
  'scenes.save': ['administrator'],
  // A window keeps its own layout, kiosk screens too.
  'window.loadState': VIEW,
  'window.saveState': VIEW,
  'wall.displays': VIEW,
  'mapViews.list': VIEW,
  'mapViews.save': FLOOR,
  'mapViews.delete': FLOOR,
  'dispatch.account': CALLERS,
  'dispatch.groups': VIEW,
  'dispatch.resolveTarget': CALLERS,
  'calls.request': CALLERS,
  'calls.claim': CALLERS,
  'calls.save': CALLERS,
  'calls.log': VIEW,
  'calls.kpis': VIEW,
  'crewTerminal.account': ['crew-own'],
  'crewTerminal.identify': ['crew-own'],
  'crewTerminal.report': ['crew-own'],
};

/** Who may subscribe to an event: `view` as VIEW above, `anyone` for the caller's own session. */
export const eventAccess: { readonly [E in ApiEventName]: 'anyone' | 'view' } = {
  'session.changed': 'anyone',
  'backend.status': 'view',
  'settings.changed': 'view',
  'feed.summary': 'view',
  'feed.tick': 'view',
  'incidents.changed': 'view',
  'runs.changed': 'view',
  'sync.status': 'view',
  'proposals.changed': 'view',
  'shared.changed': 'view',
  'scenes.changed': 'view',
  'mapViews.changed': 'view',
  'calls.requested': 'view',
  'wallPlay.requested': 'view',
  'snapshots.saved': 'view',
  'calls.changed': 'view',
};

/** Null when `principal` may call `method` with `params`; else the error to answer with (unauthorized: sign in). */
export function authorise(principal: Principal, method: ApiMethodName, params: unknown): ApiError | null {
  const grants = methodAccess[method];
  if (grants.includes('anyone')) return null;
  switch (principal.kind) {
    case 'anonymous':
      return apiError('unauthorized', 'Sign in first.');
    case 'screen':
      return grants.includes('screen') ? null : forbidden(method, 'a wall screen only views');
    case 'crew': {
      const ownCrew = typeof params === 'object' && params !== null && (params as { crewId?: unknown }).crewId === principal.crewId;
      if (grants.includes('crew-own') && (ownCrew || method === 'session.signOut')) return null;
      return forbidden(method, `a crew terminal acts for its own crew (${principal.crewId}) only`);
    }
    case 'user': {
      if (grants.includes('locked')) return null;
      if (principal.locked) return forbidden(method, 'the screen is locked: unlock it first');
      if (grants.includes('user') || principal.roles.some((role) => grants.includes(role))) return null;
      return forbidden(method, `it needs one of the roles ${grants.filter((grant) => grant !== 'screen' && grant !== 'crew-own').join(', ')}`);
    }
  }
}

/** Whether `principal` may receive `event`. */
export function mayReceive(principal: Principal, event: ApiEventName): boolean {
  if (eventAccess[event] === 'anyone') return true;
  return principal.kind === 'user' || principal.kind === 'screen';
}


function forbidden(method: ApiMethodName, why: string): ApiError {
  return apiError('forbidden', `Not allowed to call "${method}": ${why}.`);
}
