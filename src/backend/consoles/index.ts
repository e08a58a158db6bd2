/** Who may connect to the backend: per-console credentials, their enrolment and revocation. */
export {
  ConsoleCredentials,
  ConsoleNameSchema,
  ConsoleNameTaken,
  generateConsoleCredential,
  type ConsoleAuthentication,
  type EnrolledConsole,
} from './console-credentials.js';
