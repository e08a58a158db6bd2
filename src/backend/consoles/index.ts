/** Who may connect to the backend: per-console credentials, their enrolment and revocation. */
export { ConsoleCredentials, ConsoleNameSchema, ConsoleNameTaken, type ConsoleAuthentication, type EnrolledConsole } from './console-credentials.js';
export { consoleAdminOptions, runConsoleAdmin } from './console-admin.js';
/** A console's credential is made like every other of the backend's. */
export { generateCredential as generateConsoleCredential } from '../credentials/index.js';
