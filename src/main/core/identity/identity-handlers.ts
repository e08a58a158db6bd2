import { principalName, type Principal, type UserPrincipal } from '../../../shared/identity/principal.js';
import type { ApiHandlers, Caller } from '../api/index.js';
import type { IdentityService } from './identity-service.js';

type IdentityMethod = Extract<keyof ApiHandlers, `session.${string}` | `users.${string}` | `credentials.${string}`>;

/** The access table lets only signed-in users reach these; the cast states what it checked. */
function user(caller: Caller): UserPrincipal {
  return caller.principal as UserPrincipal;
}

/** The contract's sign-in, session, user and credential methods. */
export function identityHandlers(identity: IdentityService): Pick<ApiHandlers, IdentityMethod> {
  const current = (caller: Caller): Principal => identity.principalFor(caller.session.credential);
  return {
    'session.current': (_params, caller) => caller.principal,
    'session.signIn': async ({ username, password }, caller) => {
      const signedIn = await identity.signIn(username, password, caller.address);
      caller.session.adopt(signedIn.secret);
      return signedIn.principal;
    },
    'session.redeem': ({ code }, caller) => {
      const signedIn = identity.redeem(code, caller.address);
      caller.session.adopt(signedIn.secret);
      return signedIn.principal;
    },
    'session.signOut': (_params, caller) => {
      // This connection lets go first, so that ending the credential closes only the caller's other connections.
      caller.session.adopt(null);
      identity.signOut(caller.principal);
      return { kind: 'anonymous' };
    },
    'session.lock': (_params, caller) => {
      identity.lock(user(caller));
      return current(caller);
    },
    'session.unlock': async ({ password }, caller) => {
      await identity.unlock(user(caller), password);
      return current(caller);
    },
    'session.changePassword': async ({ currentPassword, newPassword }, caller) => {
      await identity.changePassword(user(caller), currentPassword, newPassword);
      return null;
    },
    'users.list': () => identity.listUsers(),
    'users.save': (save, caller) => identity.saveUser(save, principalName(caller.principal)),
    'credentials.list': () => identity.listCredentials(),
    'credentials.issue': (request, caller) => identity.issue(request, principalName(caller.principal)),
    'credentials.revoke': ({ credentialId }, caller) => identity.revoke(credentialId, principalName(caller.principal)),
  };
}
