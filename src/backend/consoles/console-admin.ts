import type { BackendStore } from '../db/backend-store.js';
import { runCredentialAdmin, type CredentialAdminCommand, type CredentialAdminOptions } from '../credentials/index.js';
import { ConsoleCredentials } from './console-credentials.js';

/** The standalone backend's console options: enrol a console with a credential of its own, revoke it, list them. */
export const consoleAdminOptions: CredentialAdminOptions<'console'> = { subject: 'console', add: 'enrol-console', revoke: 'revoke-console', list: 'list-consoles' };

/** Runs a console command on the backend's database; resolves to what to tell the operator. Rejects with a StartupError on refusal. */
export function runConsoleAdmin(command: CredentialAdminCommand<'console'>, store: BackendStore): Promise<string> {
  const consoles = new ConsoleCredentials(store);
  return runCredentialAdmin(
    command,
    { add: (name) => consoles.enrol(name), revoke: (name) => consoles.revoke(name), list: () => consoles.list() },
    {
      added: (name, file) => `Enrolled console "${name}"; its credential is in ${file} (0600): start that console with --backend-token-file ${file}.`,
      revoked: (name) => `Revoked console "${name}": it can no longer connect (one connected now keeps its connection until it drops).`,
      unknown: (name) => `No console "${name}" is enrolled (--list-consoles shows who is).`,
      none: 'No console is enrolled: add one with --enrol-console <name> --credential-out <file>.',
      line: (entry) =>
        [entry.name, entry.revokedAt === null ? 'in force' : `revoked ${entry.revokedAt}`, `enrolled ${entry.enrolledAt}`, `console ${entry.consoleId ?? '(not connected yet)'}`].join('\t'),
    },
  );
}
