import type { ApiError } from '../../../shared/contract/errors.js';
import type { Role } from '../../../shared/domain/roles.js';
import { ONE_TIME_CODE_FRAGMENT } from '../../../shared/identity/accounts.js';
import type { Principal } from '../../../shared/identity/principal.js';

/** Who this page is, as the host last said. */
export interface SessionState {
  /** Null until the host has answered (the page shows that it is connecting). */
  readonly principal: Principal | null;
  /** Why the one-time link this page was opened with did not sign it in (shown where it signs in or enrols). */
  readonly linkError: ApiError | null;
}

export const initialSessionState: SessionState = { principal: null, linkError: null };

export function withPrincipal(state: SessionState, principal: Principal): SessionState {
  if (state.principal !== null && JSON.stringify(state.principal) === JSON.stringify(principal)) return state;
  // Signed in after all: the old link's failure no longer matters.
  return { ...state, principal, linkError: principal.kind === 'anonymous' ? state.linkError : null };
}

export function withLinkError(state: SessionState, error: ApiError | null): SessionState {
  return { ...state, linkError: error };
}

/** The one-time code in a URL fragment (`#code=…`), or null. The fragment never reaches a server. */
export function oneTimeCodeOf(hash: string): string | null {
  const code = new URLSearchParams(hash.replace(/^#/, '')).get(ONE_TIME_CODE_FRAGMENT);
  return code === null || code === '' ? null : code;
}

/** The address to keep in the history once the code is used: the same page without the fragment. */
export function withoutFragment(location: { pathname: string; search: string }): string {
  return `${location.pathname}${location.search}`;
}

/** What went wrong with a sign-in, for a clear message; the host's own words are shown with it. */
export type SignInProblem =
  | { kind: 'wrong-password' }
  | { kind: 'too-many'; waitSeconds: number }
  | { kind: 'link-used' }
  | { kind: 'unreachable' }
  | { kind: 'other' };

export function signInProblemOf(error: ApiError): SignInProblem {
  const wait = /try again in (\d+) s/.exec(error.message);
  if (wait) return { kind: 'too-many', waitSeconds: Number(wait[1]) };
  if (error.code === 'unavailable') return { kind: 'unreachable' };
  if (error.code === 'unauthorized' && /link or code/.test(error.message)) return { kind: 'link-used' };
  if (error.code === 'unauthorized' || error.code === 'invalid-params') return { kind: 'wrong-password' };
  return { kind: 'other' };
}

/** Whether the page may show the console's screens (a user, a kiosk wall screen). */
export function seesTheWall(principal: Principal | null): principal is Extract<Principal, { kind: 'user' | 'screen' }> {
  return principal?.kind === 'user' || principal?.kind === 'screen';
}

export function isAdministrator(principal: Principal | null): boolean {
  return principal?.kind === 'user' && principal.roles.includes('administrator');
}

/** The page a device enrols at: a crew's terminal, or the screen a wall screen shows. */
export type EnrolmentTarget = 'crew' | Role;

/** The link a crew phone or wall screen opens (or scans as a QR code) to enrol, once. */
export function enrolmentLink(origin: string, target: EnrolmentTarget, code: string): string {
  return `${origin}/${target}#${ONE_TIME_CODE_FRAGMENT}=${code}`;
}

/** What a credential is now, for the administrator's list. */
export type CredentialStatus = 'revoked' | 'expired' | 'pending' | 'active';

export function credentialStatus(credential: { revokedAt: string | null; expiresAt: string | null; pending: boolean }, now: Date): CredentialStatus {
  if (credential.revokedAt !== null) return 'revoked';
  if (credential.expiresAt !== null && Date.parse(credential.expiresAt) <= now.getTime()) return 'expired';
  return credential.pending ? 'pending' : 'active';
}
