export { InsecureContextError, pageIsSecure, requireSecureContext } from './secure-context.js';
export { SecureContextBanner } from './SecureContextBanner.js';
