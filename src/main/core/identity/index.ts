export { IdentityService, BOOTSTRAP_ADMIN, type CredentialChange, type SignedIn } from './identity-service.js';
export { identityHandlers } from './identity-handlers.js';
