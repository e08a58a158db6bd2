/** Credentials of the backend's callers (consoles, ingestion sources): generated secrets kept hashed, managed from the command line. */
export { credentialNameSchema, generateCredential, secretHash, secretMatches, splitCredential } from './credential-secrets.js';
export {
  parseCredentialAdmin,
  runCredentialAdmin,
  type CredentialAdminCommand,
  type CredentialAdminOptions,
  type CredentialAdminWording,
  type CredentialStore,
} from './credential-admin.js';
